"""Schedule, statistics and import pages: scoped counts, ECharts data, all-or-nothing upload."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import Workbook

from anlao.assessments import services as s
from anlao.assessments.instrument import load
from anlao.assessments.models import Assessment
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


def final(aw, total: int, on: dt.date) -> Assessment:
    a = s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk, data={
        "assessor_1": aw.assessor_1.pk, "assessor_2": aw.assessor_2.pk, "assessed_on": on,
        "answers": full_answers(total)})
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk)
    s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)
    return s.assessment_finalise(actor=aw.street_officer_a, assessment_id=a.pk)


def chart_data(response) -> dict:
    html = response.content.decode()
    raw = html.split('id="assess-stats-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(raw)


def test_the_schedule_lists_an_overdue_elder_in_the_area_only(aw, client):
    final(aw, 60, TODAY - dt.timedelta(days=400))
    client.force_login(aw.street_officer_a)
    page = client.get(reverse("assessments:schedule")).content.decode()
    assert 'id="count-overdue">1<' in page and aw.elder_a1.name in page
    client.force_login(aw.street_officer_b)
    page = client.get(reverse("assessments:schedule")).content.decode()
    assert 'id="count-overdue">0<' in page and aw.elder_a1.name not in page


def test_the_schedule_lists_elders_never_assessed_per_area(aw, client):
    client.force_login(aw.district_officer)
    url = reverse("assessments:schedule")
    page = client.get(url, {"list": "never", "area": aw.street_b.code}).content.decode()
    assert aw.elder_b1.name in page and aw.elder_a1.name not in page


def test_statistics_count_elders_by_level_per_street(aw, client):
    final(aw, 60, TODAY - dt.timedelta(days=3))
    client.force_login(aw.district_officer)
    data = chart_data(client.get(reverse("assessments:statistics")))
    street_a = data["areas"].index(aw.street_a.name)
    assert data["counts"][2][street_a] == 1  # level 2 in street A
    assert sum(row[data["areas"].index(aw.street_b.name)] for row in data["counts"]) == 0
    assert [s["data"][-1] for s in data["agency_months"]["series"]] == [1]


def test_statistics_are_scoped(aw, client):
    final(aw, 60, TODAY - dt.timedelta(days=3))
    client.force_login(aw.street_officer_b)
    data = chart_data(client.get(reverse("assessments:statistics")))
    assert aw.street_a.name not in data["areas"] and data["agency_months"]["series"] == []


def workbook(rows: list[list]) -> io.BytesIO:
    items = [i.code for i in load().items]
    book = Workbook()
    book.active.append(["身份证号", "评估机构", "评估日期", *items])
    for r in rows:
        book.active.append(r)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "results.xlsx"
    return buf


def row(aw, elder, on: str, total: int) -> list:
    answers = full_answers(total)
    return [elder.id_number, aw.agency.name, on, *[answers[i.code] for i in load().items]]


def test_an_import_with_one_bad_row_shows_it_and_writes_nothing(aw, client):
    client.force_login(aw.district_officer)
    bad = row(aw, aw.elder_b1, "2025-02-30", 40)
    response = client.post(reverse("assessments:import"), {
        "file": workbook([row(aw, aw.elder_a1, "2025-03-01", 60), bad])})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="import-errors"' in page and '<td class="text-end">3</td>' in page
    assert not Assessment.objects.exists()


def test_a_clean_import_writes_every_row(aw, client):
    client.force_login(aw.district_officer)
    response = client.post(reverse("assessments:import"), {
        "file": workbook([row(aw, aw.elder_a1, "2025-03-01", 60),
                          row(aw, aw.elder_b1, "2025-04-01", 20)])})
    assert response.status_code == 302
    assert Assessment.objects.filter(state="final", source="import").count() == 2


def test_only_import_staff_may_import_or_fetch_the_template(aw, client):
    client.force_login(aw.worker_a1)
    assert client.get(reverse("assessments:import")).status_code == 403
    assert client.get(reverse("assessments:import_template")).status_code == 403
    client.force_login(aw.district_officer)
    template = client.get(reverse("assessments:import_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
