"""Caregiver records: validation, bad input refused with nothing changed, scoping."""

import datetime as dt

import pytest
from django.utils import timezone

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from anlao.workforce import selectors, services
from anlao.workforce.models import Caregiver, Certificate, Employment
from tests.personas import make_id_number
from tests.workforce_fixtures import employ, make_caregiver, make_facility

D = dt.date


def test_a_street_officer_records_a_caregiver_with_a_validated_id(world):
    c = services.caregiver_create(actor=world.street_officer_a, name="李梅",
                                  id_number=make_id_number(D(1975, 3, 2), seq=7, male=False),
                                  phone="13912345678", area_id=world.community_a1.pk)
    assert c.birth_date == D(1975, 3, 2) and c.sex == "F"
    assert AuditLog.objects.filter(action="caregiver.create", entity_id=str(c.pk)).exists()


@pytest.mark.parametrize("raw", ["330105197503020000", "12345", ""])
def test_it_refuses_a_bad_id_number(world, raw):
    with pytest.raises(ValidationFailed) as exc:
        services.caregiver_create(actor=world.street_officer_a, name="李梅", id_number=raw,
                                  area_id=world.community_a1.pk)
    assert "id_number" in exc.value.errors
    assert not Caregiver.objects.exists()


def test_it_refuses_a_caregiver_under_16(world):
    young = timezone.localdate().replace(day=1) - dt.timedelta(days=365 * 15)
    with pytest.raises(ValidationFailed, match="16"):
        services.caregiver_create(actor=world.street_officer_a, name="小王",
                                  id_number=make_id_number(young), area_id=world.street_a.pk)


def test_it_refuses_an_area_outside_the_jurisdiction(world):
    with pytest.raises(ValidationFailed):
        services.caregiver_create(actor=world.street_officer_a, name="李梅",
                                  id_number=make_id_number(D(1975, 3, 2)),
                                  area_id=world.street_b.pk)
    assert not Caregiver.objects.exists()


def test_an_auditor_may_not_write(world):
    with pytest.raises(PermissionDenied):
        services.caregiver_create(actor=world.auditor, name="李梅",
                                  id_number=make_id_number(D(1975, 3, 2)),
                                  area_id=world.street_a.pk)


def test_it_refuses_a_certificate_dated_in_the_future(world):
    c = make_caregiver(world.community_a1)
    with pytest.raises(ValidationFailed, match="future"):
        services.certificate_add(actor=world.street_officer_a, caregiver_id=c.pk, kind="skill",
                                 level="level4", number="X1", issuer="人社局",
                                 issued_on=timezone.localdate() + dt.timedelta(days=1))
    assert not Certificate.objects.exists()


def test_a_skill_certificate_needs_its_level(world):
    c = make_caregiver(world.community_a1)
    with pytest.raises(ValidationFailed) as exc:
        services.certificate_add(actor=world.street_officer_a, caregiver_id=c.pk, kind="skill",
                                 number="X1", issuer="人社局", issued_on=D(2024, 1, 1))
    assert "level" in exc.value.errors


def test_it_refuses_overlapping_employment_periods(world):
    f = make_facility(world, world.community_a1)
    c = make_caregiver(world.community_a1)
    employ(c, f, D(2024, 1, 1), D(2024, 12, 31))
    with pytest.raises(ValidationFailed, match="overlaps"):
        services.employment_add(actor=world.street_officer_a, caregiver_id=c.pk,
                                facility_id=f.pk, start=D(2024, 6, 1))
    assert Employment.objects.count() == 1
    e = services.employment_add(actor=world.street_officer_a, caregiver_id=c.pk,
                                facility_id=f.pk, start=D(2025, 1, 1))
    assert e.employer == f.operator


def test_it_refuses_an_end_before_the_start(world):
    f = make_facility(world, world.community_a1)
    c = make_caregiver(world.community_a1)
    with pytest.raises(ValidationFailed, match="before the start"):
        services.employment_add(actor=world.street_officer_a, caregiver_id=c.pk,
                                facility_id=f.pk, start=D(2024, 6, 1), end=D(2024, 5, 1))


def test_a_worker_of_another_street_cannot_see_or_edit_the_caregiver(world):
    c = make_caregiver(world.community_a1)
    assert not selectors.caregivers_visible(actor=world.street_officer_b).filter(pk=c.pk).exists()
    with pytest.raises(NotFound):
        services.certificate_add(actor=world.street_officer_b, caregiver_id=c.pk, kind="nurse",
                                 number="N1", issuer="卫健委", issued_on=D(2024, 1, 1))


def test_provider_staff_see_only_their_own_employees(world):
    own = make_facility(world, world.community_a1, operator=world.provider)
    other = make_facility(world, world.community_b1, name="别家")
    mine, theirs = make_caregiver(world.community_a1), make_caregiver(world.community_b1)
    employ(mine, own, D(2024, 1, 1))
    employ(theirs, other, D(2024, 1, 1))
    seen = set(selectors.caregivers_visible(actor=world.provider_manager))
    assert seen == {mine}


def test_the_certification_kpi_counts_current_employees_per_facility_and_street(world):
    f = make_facility(world, world.community_a1)
    for i in range(3):
        employ(make_caregiver(world.community_a1, level="level5" if i else ""), f,
               D(2024, 1, 1))
    gone = make_caregiver(world.community_a1)
    employ(gone, f, D(2023, 1, 1), D(2023, 12, 31))
    kpi = selectors.certification_kpi(actor=world.district_officer, on=D(2025, 6, 30))
    assert kpi["facility"] == [{"name": f.name, "total": 3, "certified": 2, "percent": 66.7,
                                "meets": False}]
    assert kpi["street"][0]["name"] == world.street_a.name
    assert kpi["district"][0]["total"] == 3
    kpi_b = selectors.certification_kpi(actor=world.street_officer_b, on=D(2025, 6, 30))
    assert kpi_b["facility"] == []


def test_training_and_contest_results_are_recorded_and_future_dates_refused(world):
    c = make_caregiver(world.community_a1)
    services.training_add(actor=world.street_officer_a, caregiver_id=c.pk, title="认知症照护",
                          start=D(2025, 3, 1), hours=16)
    services.contest_add(actor=world.street_officer_a, caregiver_id=c.pk,
                         contest="市第三届养老管护人员职业技能竞赛", held_on=D(2023, 6, 20),
                         result="二等奖")
    with pytest.raises(ValidationFailed, match="future"):
        services.contest_add(actor=world.street_officer_a, caregiver_id=c.pk, contest="X",
                             held_on=timezone.localdate() + dt.timedelta(days=3), result="一等奖")
    assert c.trainings.count() == 1 and c.contests.count() == 1


def test_revealing_the_full_id_number_is_logged(world):
    from anlao.core.models import AccessLog

    c = make_caregiver(world.community_a1)
    with pytest.raises(ValidationFailed):
        services.caregiver_reveal(actor=world.street_officer_a, caregiver_id=c.pk,
                                  field="id_number", reason="")
    value = services.caregiver_reveal(actor=world.street_officer_a, caregiver_id=c.pk,
                                      field="id_number", reason="verification",
                                      note="核对补贴申报")
    assert value == c.id_number
    assert AccessLog.objects.filter(entity="workforce.caregiver", entity_id=str(c.pk),
                                    field="id_number").count() == 1
    with pytest.raises(NotFound):
        services.caregiver_reveal(actor=world.street_officer_b, caregiver_id=c.pk,
                                  field="phone", reason="x")


def test_area_staff_also_see_caregivers_employed_at_their_facilities(world):
    f = make_facility(world, world.community_b1)
    c = make_caregiver(world.community_a1)  # recorded in street A
    employ(c, f, D(2024, 1, 1))  # works in street B
    assert selectors.caregivers_visible(actor=world.street_officer_b).filter(pk=c.pk).exists()
    assert not selectors.caregivers_visible(actor=world.worker_a2).filter(pk=c.pk).exists()
