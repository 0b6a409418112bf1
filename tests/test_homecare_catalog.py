"""Catalog, contracts and caregiver profiles (homecare/catalog/services.py, team/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.homecare.catalog import services as catalog
from anlao.homecare.models import Category, ContractState, ServiceItem
from anlao.homecare.team import services as team
from anlao.workforce.models import Caregiver, Employment
from tests.homecare_fixtures import active_contract

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def test_the_shipped_catalog_covers_the_ten_categories_and_loads_once(world):
    assert catalog.catalog_load(actor=world.district_officer) == 10
    assert catalog.catalog_load(actor=world.district_officer) == 0
    assert set(ServiceItem.objects.values_list("category", flat=True)) == set(Category.values)
    bath = ServiceItem.objects.get(code="BATH-HOME")
    assert (bath.standard_minutes, bath.required_skill) == (60, "bathing")


def test_an_item_is_validated_and_only_officers_manage_the_catalog(world):
    with pytest.raises(PermissionDenied):
        catalog.item_create(actor=world.worker_a1, data={})
    with pytest.raises(ValidationFailed) as info:
        catalog.item_create(actor=world.district_officer, data={
            "code": "x", "name": "", "category": "nope", "standard_minutes": 0, "price_fen": 0})
    assert {"code", "name", "category", "standard_minutes", "price_fen"} <= set(info.value.errors)
    item = catalog.item_create(actor=world.district_officer, data={
        "code": "FOOT-CARE", "name": "足部护理", "category": "health", "unit": "visit",
        "standard_minutes": 45, "price_fen": 5000, "required_skill": "nursing"})
    item = catalog.item_update(actor=world.district_officer, item_id=item.pk,
                               data={"price_fen": 5500})
    assert item.price_fen == 5500 and item.code == "FOOT-CARE"


def _create(world, actor=None, **kw):
    catalog.catalog_load(actor=None)
    args = {"provider_id": world.provider.pk, "number": "HC-1", "start": START, "end": END,
            "street_codes": [world.street_a.code], "prices": {"BATH-HOME": 9000},
            "expected_visits": 100}
    return catalog.contract_create(actor=actor or world.district_officer, **{**args, **kw})


def test_a_contract_is_validated(world):
    with pytest.raises(ValidationFailed) as info:
        _create(world, end=START - dt.timedelta(days=1), street_codes=[world.community_a1.code],
                prices={"BATH-HOME": 0})
    assert {"end", "streets", "items"} <= set(info.value.errors)


def test_a_street_officer_cannot_contract_for_another_street(world):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.worker_a1)
    with pytest.raises(ValidationFailed) as info:
        _create(world, actor=world.city_admin, street_codes=["330105002000", "999"])
    assert "streets" in info.value.errors


def test_a_provider_cannot_hold_two_active_contracts_for_one_street_and_item(world):
    active_contract(world, streets=[world.street_a])
    contract = _create(world)
    with pytest.raises(ValidationFailed) as info:
        catalog.contract_activate(actor=world.district_officer, contract_id=contract.pk)
    assert "330105001000/BATH-HOME" in info.value.errors["streets"][0]
    other = _create(world, number="HC-2", provider_id=world.other_provider.pk)
    other = catalog.contract_activate(actor=world.district_officer, contract_id=other.pk)
    assert other.state == ContractState.ACTIVE


def _employ(world, provider):
    c = Caregiver.objects.create(name="李秀兰", id_number="330105198001010023",
                                 birth_date=dt.date(1980, 1, 1), sex="F", area=world.district)
    Employment.objects.create(caregiver=c, employer=provider, start=dt.date(2024, 1, 1))
    return c


def test_a_provider_manager_keeps_profiles_of_its_own_caregivers_only(world):
    c = _employ(world, world.provider)
    profile = team.caregiver_profile_save(
        actor=world.provider_manager, caregiver_id=c.pk, provider_id=world.provider.pk,
        skills=["Bathing", "nursing"], level="level4", home_lat=30.32, home_lng=120.15,
        working_hours={"0": ["08:00", "17:00"], "2": ["08:00", "12:00"]},
        user_id=world.caregiver.pk)
    assert profile.skills == ["bathing", "nursing"] and profile.user == world.caregiver
    with pytest.raises(PermissionDenied):
        team.caregiver_profile_save(actor=world.other_provider_manager, caregiver_id=c.pk,
                                       provider_id=world.provider.pk, skills=[])
    with pytest.raises(ValidationFailed):
        team.caregiver_profile_save(actor=world.other_provider_manager, caregiver_id=c.pk,
                                       provider_id=world.other_provider.pk, skills=[])
    with pytest.raises(NotFound):
        team.leave_add(actor=world.other_provider_manager, profile_id=profile.pk,
                          start=START, end=START)


def test_working_hours_must_be_times_that_end_after_they_start(world):
    c = _employ(world, world.provider)
    with pytest.raises(ValidationFailed) as info:
        team.caregiver_profile_save(actor=world.provider_manager, caregiver_id=c.pk,
                                       provider_id=world.provider.pk, skills=[],
                                       working_hours={"0": ["17:00", "08:00"], "9": ["a", "b"]})
    assert "working_hours" in info.value.errors


def test_an_officer_acts_only_for_providers_of_their_district(world):
    """Another district's provider (based there, no contract here) is not one to choose."""
    c = _employ(world, world.provider)
    profile = team.caregiver_profile_save(actor=world.district_officer, caregiver_id=c.pk,
                                          provider_id=world.provider.pk, skills=["bathing"])
    with pytest.raises(ValidationFailed) as info:
        _create(world, actor=world.xihu_officer, street_codes=[world.street_x.code])
    assert "provider" in info.value.errors
    with pytest.raises(ValidationFailed):
        team.caregiver_profile_save(actor=world.xihu_officer, caregiver_id=c.pk,
                                    provider_id=world.provider.pk, skills=[])
    with pytest.raises(NotFound):
        team.leave_add(actor=world.xihu_officer, profile_id=profile.pk, start=START, end=START)
