"""Home-care dashboard numbers on a tiny known dataset, and their scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.homecare.models import Anomaly, VisitState
from anlao.homecare.settlement import stats
from tests.settlement_fixtures import OCTOBER, make_item, make_visit, october

pytestmark = pytest.mark.django_db


def _d(world, actor=None, today=dt.date(2026, 10, 3)):
    return stats.dashboard(actor or world.district_officer, period=OCTOBER, today=today)


def _tiny(world):
    """October fixture (8 done, 1 cancelled) + one late, one missed, one meals visit."""
    f = october(world)
    late = make_visit(world, f["contract"], f["elders"][0], OCTOBER + dt.timedelta(days=10),
                      check_in_late_min=40)
    missed = make_visit(world, f["contract"], f["elders"][0], OCTOBER + dt.timedelta(days=11),
                        state=VisitState.MISSED, check_in_late_min=None)
    meals = make_item("MEAL01", "meals", 1500)
    make_visit(world, f["contract"], f["elders"][1], OCTOBER + dt.timedelta(days=12),
               item=meals, price=1500, copay=0, check_in_late_min=15)
    return f | {"late": late, "missed": missed}


def test_volume_by_category_and_street(world):
    _tiny(world)
    d = _d(world)
    by_cat = {r["code"]: r["count"] for r in d["by_category"]}
    # provider: 7 done bathing + late; other provider: 1 done bathing; 1 done meals
    assert by_cat["bathing"] == 9 and by_cat["meals"] == 1 and by_cat["emergency"] == 0
    assert d["done"] == 10
    by_street = {r["label"]: r["count"] for r in d["by_street"]}
    assert by_street == {world.street_a.name: 6, world.street_b.name: 4}


def test_on_time_rate_counts_check_ins_within_the_grace_minutes(world):
    _tiny(world)
    ot = _d(world)["on_time"]
    # 10 checked-in visits with a plan; only the one 40 minutes late is late (15 is on time)
    assert (ot["total"], ot["on_time"], ot["rate"]) == (10, 9, 90.0)


def test_anomaly_rate_by_rule(world):
    f = _tiny(world)
    Anomaly.objects.create(visit=f["late"], rule="too_short")
    a = _d(world)["anomalies"]
    rules = {r["rule"]: (r["count"], r["rate"]) for r in a["rules"]}
    assert a["checked"] == 10
    assert rules == {"too_short": (2, 20.0), "outside_geofence": (1, 10.0),
                     "missing_check_out": (1, 10.0)}
    assert a["visits_with_any"] == 4 and a["rate"] == 40.0


def test_a_street_officer_sees_only_visits_of_its_street(world):
    _tiny(world)
    d = _d(world, actor=world.street_officer_b)
    assert d["done"] == 4
    assert [r["label"] for r in d["by_street"]] == [world.street_b.name]


def test_a_provider_manager_sees_only_its_provider(world):
    _tiny(world)
    assert _d(world, actor=world.other_provider_manager)["done"] == 1
    assert _d(world, actor=world.provider_manager)["done"] == 9


def test_today_map_has_the_days_visits_with_a_home_location(world):
    f = october(world)
    f["elders"][0].lat, f["elders"][0].lng = 30.3, 120.15
    f["elders"][0].save(update_fields=["lat", "lng"])
    m = _d(world, today=OCTOBER + dt.timedelta(days=1))["map"]
    assert [p["id"] for p in m["points"]] == [f["paid"][1].pk]
    assert {s["code"]: s["count"] for s in m["states"]}["done"] == 1


def test_someone_without_home_care_access_sees_nothing(world):
    _tiny(world)
    assert _d(world, actor=world.partner)["done"] == 0
