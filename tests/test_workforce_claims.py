"""Quarterly claim batches: compute from the records, four-eyes approval, export, refusals."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.workforce import services
from anlao.workforce.exports import batch_workbook
from anlao.workforce.models import BatchState, ClaimBatch
from tests.workforce_fixtures import employ, make_caregiver, make_facility

D = dt.date


@pytest.fixture
def staffed(world):
    f = make_facility(world, world.community_a1)
    a = make_caregiver(world.community_a1, name="甲", level="level4")
    b = make_caregiver(world.community_a1, name="乙")  # uncertified
    employ(a, f, D(2023, 1, 1))
    employ(b, f, D(2024, 1, 1))
    unregistered = make_facility(world, world.community_a1, name="未备案", registered=False)
    employ(make_caregiver(world.community_a1, name="丙", level="level1"), unregistered,
           D(2024, 1, 1))
    return world


def _computed(world, year=2025, quarter=4):
    b = services.batch_create(actor=world.street_officer_a, year=year, quarter=quarter,
                              area_id=world.street_a.pk)
    return services.batch_compute(actor=world.street_officer_a, batch_id=b.pk)


def test_computing_a_quarter_pays_level_and_bonus_and_explains_each_line(staffed):
    b = _computed(staffed)
    lines = {ln.caregiver.name: ln for ln in b.lines.select_related("caregiver")}
    assert lines["甲"].post_fen == 3 * 30000
    assert lines["甲"].bonus_fen == 200000  # 2023-01-01 .. 2025-12-31: 36 full months
    assert lines["乙"].total_fen == 0
    assert {m["why"] for m in lines["乙"].explanation["months"]} == {"no_skill_level"}
    assert "丙" not in lines  # an unregistered facility's staff are not claimed for
    assert b.total_fen == 290000
    assert b.state == BatchState.COMPUTED


def test_approval_needs_a_second_person(staffed):
    b = _computed(staffed)
    staffed.street_officer_a.role = "district_officer"  # even with approve rights
    with pytest.raises(ServiceError, match="someone other"):
        services.batch_approve(actor=staffed.street_officer_a, batch_id=b.pk)
    b = services.batch_approve(actor=staffed.district_officer, batch_id=b.pk)
    assert b.state == BatchState.APPROVED and b.approved_by == staffed.district_officer


def test_a_street_officer_may_not_approve(staffed):
    b = services.batch_create(actor=staffed.district_officer, year=2025, quarter=4,
                              area_id=staffed.street_a.pk)
    services.batch_compute(actor=staffed.district_officer, batch_id=b.pk)
    with pytest.raises(PermissionDenied):
        services.batch_approve(actor=staffed.street_officer_a, batch_id=b.pk)


def test_a_quarter_already_approved_is_refused_and_nothing_changes(staffed):
    b = _computed(staffed)
    services.batch_approve(actor=staffed.district_officer, batch_id=b.pk)
    with pytest.raises(ServiceError, match="already approved"):
        services.batch_create(actor=staffed.district_officer, year=2025, quarter=4,
                              area_id=staffed.district.pk)
    with pytest.raises(ServiceError, match="already approved"):
        services.batch_approve(actor=staffed.city_admin, batch_id=b.pk)
    with pytest.raises(ServiceError):
        services.batch_compute(actor=staffed.district_officer, batch_id=b.pk)
    assert ClaimBatch.objects.count() == 1
    assert ClaimBatch.objects.get().total_fen == 290000


def test_a_second_draft_for_the_same_quarter_and_area_is_refused(staffed):
    _computed(staffed)
    with pytest.raises(ServiceError, match="already exists"):
        services.batch_create(actor=staffed.street_officer_a, year=2025, quarter=4,
                              area_id=staffed.street_a.pk)


@pytest.mark.parametrize("year,quarter", [(2022, 4), (2025, 5), (2099, 1)])
def test_quarters_before_the_policy_unfinished_or_invalid_are_refused(world, year, quarter):
    with pytest.raises(ValidationFailed):
        services.batch_create(actor=world.street_officer_a, year=year, quarter=quarter,
                              area_id=world.street_a.pk)
    assert not ClaimBatch.objects.exists()


def test_another_street_cannot_see_the_claim(staffed):
    b = _computed(staffed)
    with pytest.raises(NotFound):
        services.batch_compute(actor=staffed.street_officer_b, batch_id=b.pk)


def test_export_needs_approval_and_writes_every_line(staffed):
    b = _computed(staffed)
    with pytest.raises(ServiceError, match="approved"):
        services.batch_export(actor=staffed.district_officer, batch_id=b.pk)
    services.batch_approve(actor=staffed.district_officer, batch_id=b.pk)
    b = services.batch_export(actor=staffed.district_officer, batch_id=b.pk)
    assert b.state == BatchState.EXPORTED
    ws = load_workbook(io.BytesIO(batch_workbook(b))).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows[:-1]] == ["乙", "甲"]
    assert rows[0][2] == "和睦老人公寓"
    assert rows[-1][6] == 2900
    assert "3 full years" in next(r[7] for r in rows if r[0] == "甲")
