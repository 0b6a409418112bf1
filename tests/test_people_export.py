"""The Excel export of the list: scope, masking, the list's filters, audit, permission."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anlao.core.errors import PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from anlao.people.exports import elders_export
from anlao.people.selectors import ElderFilters
from tests.personas import make_elder


@pytest.fixture
def registry(world):
    return {
        "zhang": make_elder(world.community_a1, name="张桂兰", seq=1, phone="13811110001",
                            dibao=True),
        "li": make_elder(world.community_a2, name="李德明", seq=2, male=True,
                         phone="13822220002", birth=dt.date(1930, 5, 5)),
        "zhao": make_elder(world.community_b1, name="赵秀珍", seq=3, phone="13833330003"),
    }


def exported(client, user, query: str = "") -> list[tuple]:
    client.force_login(user)
    response = client.get(reverse("people:export") + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_only_the_actors_scope(client, world, registry):
    rows = exported(client, world.street_officer_a)
    assert sorted(r[0] for r in rows[1:]) == ["张桂兰", "李德明"]


def test_id_numbers_and_phones_are_masked_and_birth_dates_left_out(client, world, registry):
    rows = exported(client, world.worker_a1)
    zhang = registry["zhang"]
    cells = [str(c) for row in rows for c in row if c is not None]
    assert zhang.masked_id_number in cells and zhang.masked_phone in cells
    assert not any(zhang.id_number in c or zhang.phone in c for c in cells)
    assert not any(zhang.birth_date.isoformat() in c for c in cells)


def test_the_lists_filters_apply(client, world, registry):
    rows = exported(client, world.district_officer, "?category=dibao")
    assert [r[0] for r in rows[1:]] == ["张桂兰"]
    rows = exported(client, world.district_officer, "?street=330105002000")
    assert [r[0] for r in rows[1:]] == ["赵秀珍"]


def test_a_tampered_filter_cannot_widen_the_scope(client, world, registry):
    rows = exported(client, world.worker_a1, "?community=330105002001")
    assert "赵秀珍" not in [r[0] for r in rows[1:]]


def test_each_export_is_audited_with_its_filter_and_row_count(client, world, registry):
    exported(client, world.street_officer_a, "?category=dibao")
    entry = AuditLog.objects.get(action="elder.export")
    assert entry.actor == world.street_officer_a
    assert entry.after["rows"] == 1 and entry.after["filters"]["category"] == "dibao"


@pytest.mark.parametrize("persona", ["caregiver", "provider_manager"])
def test_provider_staff_may_not_export(client, world, registry, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("people:export")).status_code == 403
    assert not AuditLog.objects.filter(action="elder.export").exists()


def test_an_auditor_may_export(client, world, registry):
    rows = exported(client, world.auditor)
    assert len(rows) == 4


def test_an_export_above_the_limit_is_refused_not_cut(world, registry, settings):
    settings.EXPORT_MAX_ROWS = 1
    with pytest.raises(ServiceError, match="Narrow the filters"):
        elders_export(actor=world.district_officer, filters=ElderFilters())
    assert not AuditLog.objects.filter(action="elder.export").exists()


def test_the_service_checks_the_permission(world):
    with pytest.raises(PermissionDenied):
        elders_export(actor=world.caregiver, filters=ElderFilters())
