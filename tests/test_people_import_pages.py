"""The import pages: permissions, the upload → review → commit flow, the template and report."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anlao.people.models import Elder, ElderImport
from tests.test_people_import import EN, person, workbook


def login(client, user):
    client.force_login(user)
    return client


def upload(client, rows, **kw):
    return client.post(reverse("people:import"), {"file": workbook(rows, **kw)})


@pytest.mark.parametrize("persona", ["caregiver", "provider_manager", "auditor"])
def test_users_without_the_import_permission_are_refused(client, world, persona):
    login(client, getattr(world, persona))
    assert client.get(reverse("people:import")).status_code == 403
    assert client.get(reverse("people:import_template")).status_code == 403
    assert upload(client, [person("甲", 1)]).status_code == 403
    assert not ElderImport.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(reverse("people:import"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_upload_review_and_commit(client, world):
    login(client, world.worker_a1)
    bad = person("坏", 2, **{"Birth date": "1950-01-01"})
    response = upload(client, [person("好", 1), bad])
    batch = ElderImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_review", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="count-valid">1<' in page and 'id="count-errors">1<' in page
    assert "does not match the ID number" in page and "row 4" in page
    response = client.post(reverse("people:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    assert Elder.objects.filter(name="好").count() == 1 and not Elder.objects.filter(name="坏")
    again = client.post(reverse("people:import_commit", args=[batch.pk]), follow=True)
    assert "already" in again.content.decode()
    assert Elder.objects.filter(name="好").count() == 1


def test_a_non_xlsx_upload_gets_a_clear_error(client, world):
    login(client, world.worker_a1)
    fake = io.BytesIO(b"%PDF-1.4 not a workbook")
    fake.name = "名册.pdf"
    response = client.post(reverse("people:import"), {"file": fake})
    assert response.status_code == 400
    assert "not an Excel .xlsx file" in response.content.decode()
    assert not ElderImport.objects.exists()


def test_another_users_batch_is_not_found(client, world):
    login(client, world.worker_a1)
    upload(client, [person("甲", 1)])
    batch = ElderImport.objects.get()
    client.logout()
    login(client, world.worker_a2)
    for name in ("people:import_review", "people:import_report"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("people:import_commit", args=[batch.pk])).status_code == 404
    assert client.post(reverse("people:import_cancel", args=[batch.pk])).status_code == 404
    assert ElderImport.objects.get().status == "validated"


def test_the_report_holds_every_row_and_a_column_of_messages(client, world):
    login(client, world.worker_a1)
    upload(client, [person("好", 1), person("坏", 2, **{"Sex": "男女"})])
    batch = ElderImport.objects.get()
    response = client.get(reverse("people:import_report", args=[batch.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("行号 / row", "错误信息 / errors", "姓名*")
    assert [r[0] for r in rows[1:]] == [3, 4]
    assert rows[1][1] in (None, "") and "Sex" in rows[2][1]
    assert rows[2][2] == "坏"


def test_the_template_has_bilingual_headers_lists_and_the_users_communities(client, world):
    login(client, world.worker_a1)
    response = client.get(reverse("people:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    data = book.worksheets[0]
    assert data["A1"].value == "姓名*" and data["B2"].value == "ID number"
    assert [c.value for c in data[2]] == EN
    lists = [v.formula1 for v in data.data_validations.dataValidation]
    assert '"独居,空巢,孤寡,与家人同住"' in lists and '"是,否"' in lists
    codes = [r[0] for r in book["社区代码"].iter_rows(min_row=2, values_only=True)]
    assert codes == [world.community_a1.code]
    assert "填写说明" in book.sheetnames


def test_cancel_from_the_review_page(client, world):
    login(client, world.worker_a1)
    upload(client, [person("甲", 1)])
    batch = ElderImport.objects.get()
    response = client.post(reverse("people:import_cancel", args=[batch.pk]), follow=True)
    assert "nothing was written" in response.content.decode()
    assert ElderImport.objects.get().status == "cancelled"
    assert not Elder.objects.filter(name="甲").exists()
