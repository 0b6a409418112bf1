"""The demo facility inventory: seed 003's bed targets, some deliberate breaches, re-runnable."""

from __future__ import annotations

import io

import pytest

from anlao.demo.services import demo_seed
from anlao.facilities.models import (
    ComplianceFinding,
    Facility,
    FacilityType,
    OccupancyRecord,
    Room,
    Stay,
    bed_counts,
)
from anlao.people.models import Elder

pytestmark = pytest.mark.django_db


def test_demo_inventory_meets_the_bed_targets_and_has_breaches():
    from anlao.facilities import demo
    demo_seed(elders=4000, seed=5)
    demo.seed(5, io.StringIO())
    elders = Elder.objects.filter(status="active").count()
    c = bed_counts(Room.objects.all())
    assert 45 <= c["beds"] * 1000 / elders <= 55  # ~50 per 1,000 elders
    assert 0.68 <= c["nursing_beds"] / c["beds"] <= 0.76  # ~70% nursing-type
    assert c["occupied"] == Stay.objects.filter(discharged_on__isnull=True).count()
    types = set(Facility.objects.values_list("type", flat=True))
    assert {FacilityType.CARE_HOME, FacilityType.STREET_CENTRE, FacilityType.COMMUNITY_STATION,
            FacilityType.CANTEEN} <= types
    rules = set(ComplianceFinding.objects.values_list("rule", flat=True))
    assert {"insurance", "licence", "staffing", "nursing_share"} <= rules
    assert OccupancyRecord.objects.exists()
    before = Facility.objects.count()
    demo.seed(5, io.StringIO())  # re-running replaces, never duplicates
    assert Facility.objects.count() == before
