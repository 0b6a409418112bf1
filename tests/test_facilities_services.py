"""Facility services: admission/discharge occupancy, refusals, scoping, audit, checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from anlao.accounts.models import Organisation, OrganisationType
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.facilities import selectors, services
from anlao.facilities.models import ComplianceFinding, Facility, OccupancyRecord, Room, Stay
from tests.personas import make_elder

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)


def make_facility(world, *, area=None, operator=None, general=2, nursing=1, **extra):
    operator = operator or Organisation.objects.create(
        name="康养院", type=OrganisationType.CARE_FACILITY, area=world.district)
    data = {**dict(name="拱宸养老院", type="care_home", operator=operator,
                   area=area or world.community_a1, licence_number="L-1",
                   medical_setup="agreement", medical_partner="区人民医院",
                   insurance_expires_on=dt.date(2099, 1, 1)), **extra}
    rooms = [dict(label="101", bed_category="general", beds=general),
             dict(label="201", bed_category="nursing", beds=nursing)]
    return services.facility_create(actor=world.root, data=data, rooms=rooms)


def test_admission_and_discharge_change_occupancy_and_are_audited(world):
    f = make_facility(world)
    elder = make_elder(world.community_a1)
    stay = services.facility_admit(actor=world.street_officer_a, facility_id=f.pk,
                                   elder_id=elder.pk, bed_category="nursing", on=DAY)
    assert f.free_beds("nursing") == 0 and f.free_beds() == 2
    assert OccupancyRecord.objects.get(facility=f, on=DAY).occupied == 1
    services.facility_discharge(actor=world.street_officer_a, facility_id=f.pk,
                                elder_id=elder.pk, on=DAY + dt.timedelta(days=3))
    stay.refresh_from_db()
    assert stay.discharged_on == DAY + dt.timedelta(days=3) and f.free_beds("nursing") == 1
    actions = set(AuditLog.objects.filter(action__startswith="facility.")
                  .values_list("action", flat=True))
    assert {"facility.create", "facility.admit", "facility.discharge"} <= actions


def test_admitting_to_a_full_category_is_refused_and_changes_nothing(world):
    f = make_facility(world, nursing=1)
    first, second = make_elder(world.community_a1), make_elder(world.community_a1, seq=2)
    services.facility_admit(actor=world.root, facility_id=f.pk, elder_id=first.pk,
                            bed_category="nursing", on=DAY)
    with pytest.raises(ServiceError, match="no free nursing bed") as exc:
        services.facility_admit(actor=world.root, facility_id=f.pk, elder_id=second.pk,
                                bed_category="nursing", on=DAY)
    assert exc.value.code == "facility_full"
    assert Stay.objects.filter(elder=second).count() == 0
    assert Room.objects.get(facility=f, label="201").occupied == 1


def test_an_elder_cannot_be_admitted_twice(world):
    f = make_facility(world)
    elder = make_elder(world.community_a1)
    services.facility_admit(actor=world.root, facility_id=f.pk, elder_id=elder.pk,
                            bed_category="general", on=DAY)
    with pytest.raises(ServiceError) as exc:
        services.facility_admit(actor=world.root, facility_id=f.pk, elder_id=elder.pk,
                                bed_category="general", on=DAY)
    assert exc.value.code == "already_admitted"
    assert f.bed_counts()["occupied"] == 1


def test_occupancy_above_beds_is_refused(world):
    f = make_facility(world)
    with pytest.raises(ValidationFailed, match="cannot be more than beds"):
        services.room_save(actor=world.root, facility_id=f.pk, label="101",
                           bed_category="general", beds=2, occupied=3)
    assert Room.objects.get(facility=f, label="101").occupied == 0


def test_shrinking_beds_below_occupied_is_refused(world):
    f = make_facility(world, general=2)
    for seq in (1, 2):
        services.facility_admit(actor=world.root, facility_id=f.pk, bed_category="general",
                                elder_id=make_elder(world.community_a1, seq=seq).pk, on=DAY)
    with pytest.raises(ValidationFailed):
        services.room_save(actor=world.root, facility_id=f.pk, label="101",
                           bed_category="general", beds=1)
    assert Room.objects.get(facility=f, label="101").beds == 2


def test_a_street_officer_cannot_see_or_admit_to_another_streets_facility(world):
    f = make_facility(world, area=world.community_b1)
    elder = make_elder(world.community_a1)
    assert f not in selectors.facilities_visible(actor=world.street_officer_a)
    with pytest.raises(NotFound):
        selectors.facility_get(actor=world.street_officer_a, facility_id=f.pk)
    with pytest.raises(NotFound):
        services.facility_admit(actor=world.street_officer_a, facility_id=f.pk,
                                elder_id=elder.pk, bed_category="general", on=DAY)


def test_facility_staff_see_only_their_operators_facilities(world):
    own = make_facility(world, operator=world.provider)
    other = make_facility(world, operator=world.other_provider)
    assert list(selectors.facilities_visible(actor=world.provider_manager)) == [own]
    assert list(selectors.facilities_visible(actor=world.other_provider_manager)) == [other]


def test_facility_managers_admit_but_caregivers_do_not(world):
    f = make_facility(world, operator=world.provider)
    elder = make_elder(world.community_b1)
    with pytest.raises(PermissionDenied):
        services.facility_admit(actor=world.caregiver, facility_id=f.pk, elder_id=elder.pk,
                                bed_category="general", on=DAY)
    services.facility_admit(actor=world.provider_manager, facility_id=f.pk,
                            elder_id=elder.pk, bed_category="general", on=DAY)
    assert f.bed_counts()["occupied"] == 1


def test_community_workers_cannot_create_facilities(world):
    with pytest.raises(PermissionDenied):
        services.facility_create(actor=world.worker_a1, data={"name": "x"})


def test_creating_outside_the_jurisdiction_is_refused(world):
    org = Organisation.objects.create(name="x", type="care_facility", area=world.district)
    with pytest.raises(ValidationFailed, match="outside your jurisdiction"):
        services.facility_create(actor=world.street_officer_a, data=dict(
            name="越界", type="canteen", operator=org, area=world.community_b1))
    assert not Facility.objects.filter(name="越界").exists()


def test_findings_are_refreshed_on_change_and_by_the_nightly_command(world):
    f = make_facility(world, licence_number="")
    assert set(ComplianceFinding.objects.filter(facility=f).values_list("rule", flat=True)) \
        >= {"licence", "nursing_share"}
    services.facility_update(actor=world.root, facility_id=f.pk,
                             data={"licence_number": "L-9"})
    assert not ComplianceFinding.objects.filter(facility=f, rule="licence").exists()
    Facility.objects.filter(pk=f.pk).update(licence_number="")  # a change behind our back
    out = io.StringIO()
    call_command("facilities_check", stdout=out)
    assert "checked" in out.getvalue()
    assert ComplianceFinding.objects.filter(facility=f, rule="licence").exists()
