"""Each compliance rule as a pure function, at its seed-003 boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anlao.facilities.compliance import Facts, check_facility, required_medical_setup
from anlao.facilities.models import FacilityType, MedicalSetup
from anlao.facilities.policy import policy

TODAY = dt.date(2026, 6, 1)
OK = dict(type=FacilityType.CARE_HOME, beds=100, nursing_beds=70,
          medical_setup=MedicalSetup.AGREEMENT, licence_number="民养001",
          insurance_expires_on=dt.date(2027, 1, 1))


def rules(**kw) -> dict[str, str]:
    return {f.rule: f.severity for f in check_facility(Facts(**{**OK, **kw}), TODAY, policy())}


def test_a_compliant_care_home_has_no_findings():
    assert rules() == {}


@pytest.mark.parametrize("beds,need", [(1, "agreement"), (100, "agreement"), (101, "clinic"),
                                       (500, "clinic"), (501, "independent")])
def test_medical_setup_required_follows_bed_bands(beds, need):
    assert required_medical_setup(beds, policy()) == need


def test_a_101_bed_home_with_only_an_agreement_breaches_the_medical_rule():
    assert rules(beds=101, nursing_beds=80)["medical_setup"] == "error"


def test_a_clinic_satisfies_a_small_home_too():
    assert "medical_setup" not in rules(medical_setup=MedicalSetup.CLINIC)


def test_a_home_with_beds_and_no_medical_setup_breaches():
    assert rules(medical_setup=MedicalSetup.NONE)["medical_setup"] == "error"


def test_insurance_missing_or_expired_is_a_breach():
    assert rules(insurance_expires_on=None)["insurance"] == "error"
    assert rules(insurance_expires_on=TODAY - dt.timedelta(days=1))["insurance"] == "error"


def test_insurance_expiring_within_30_days_is_a_warning():
    assert rules(insurance_expires_on=TODAY + dt.timedelta(days=30))["insurance"] == "warning"
    assert "insurance" not in rules(insurance_expires_on=TODAY + dt.timedelta(days=31))


def test_missing_licence_is_a_breach():
    assert rules(licence_number="  ")["licence"] == "error"


def test_street_centre_needs_one_staff_below_20_percent_and_two_from_20():
    base = dict(type=FacilityType.STREET_CENTRE, full_time_staff=1)
    assert "staffing" not in rules(**base, older_share_percent=Decimal("19.99"))
    assert rules(**base, older_share_percent=Decimal("20"))["staffing"] == "error"
    assert "staffing" not in rules(**{**base, "full_time_staff": 2},
                                   older_share_percent=Decimal("25"))


def test_street_centre_without_older_share_gets_a_warning_not_silence():
    assert rules(type=FacilityType.STREET_CENTRE, full_time_staff=5)["staffing"] == "warning"


def test_community_station_needs_one_manager_per_100_purchased_service_elders():
    base = dict(type=FacilityType.COMMUNITY_STATION, full_time_staff=1)
    assert "staffing" not in rules(**base, purchased_service_elders=199)
    assert rules(**base, purchased_service_elders=200)["staffing"] == "error"
    assert rules(type=FacilityType.COMMUNITY_STATION, full_time_staff=0,
                 purchased_service_elders=100)["staffing"] == "error"


def test_nursing_share_below_70_percent_is_a_warning():
    assert rules(nursing_beds=69)["nursing_share"] == "warning"
    assert "nursing_share" not in rules(nursing_beds=70)


def test_a_canteen_without_beds_is_not_held_to_bed_rules():
    got = rules(type=FacilityType.CANTEEN, beds=0, nursing_beds=0,
                medical_setup=MedicalSetup.NONE)
    assert "medical_setup" not in got and "nursing_share" not in got


def test_policy_numbers_can_be_overridden_in_settings(settings):
    settings.FACILITY_POLICY = {"nursing_share_target_percent": Decimal("60")}
    assert "nursing_share" not in rules(nursing_beds=65)


def test_nursing_share_is_not_held_against_a_street_centres_respite_beds():
    assert "nursing_share" not in rules(type=FacilityType.STREET_CENTRE, nursing_beds=10,
                                        older_share_percent=Decimal("10"), full_time_staff=1)
