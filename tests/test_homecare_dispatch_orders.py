"""The order services and dispatch together: an order added to or cancelled from a planned day
re-plans it (pins stay); an unplanned day is left for the dispatcher."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.homecare.dispatch.services import dispatch_plan_day, visit_pin
from anlao.homecare.models import DispatchPlan, Visit, VisitState
from anlao.homecare.orders.services import order_cancel, order_create
from tests.dispatch_fixtures import DAY, NOW, east, make_profile
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """Both services read the clock; hold it at the evening before DAY."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def setup(world):
    active_contract(world)
    profile = make_profile(world, "李芳", home=east(0))
    elders = []
    for n, km in enumerate((1, 2, 3), start=1):
        lat, lng = east(km)
        elder = make_elder(world.community_a1, name=f"老人{n}", seq=300 + n, lat=lat, lng=lng)
        grant(elder, 100_000)
        elders.append(elder)
    return profile, elders


def order(world, elder, start=dt.time(9), end=dt.time(12)):
    return order_create(actor=world.worker_a1, elder=elder, item="CLEAN-HOME", date=DAY,
                        window_start=start, window_end=end, channel="community",
                        today=NOW.date())


def test_an_order_on_a_planned_day_is_planned_at_once(world, setup):
    profile, elders = setup
    first = order(world, elders[0])
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY, now=NOW)
    second = order(world, elders[1], dt.time(13), dt.time(17))
    visit = Visit.objects.get(order=second)
    assert (visit.state, visit.caregiver_id) == (VisitState.ASSIGNED, profile.pk)
    assert DispatchPlan.objects.get(provider=world.provider, date=DAY).served == 2
    assert Visit.objects.get(order=first).state == VisitState.ASSIGNED


def test_an_order_on_an_unplanned_day_waits_for_the_dispatcher(world, setup):
    _profile, elders = setup
    o = order(world, elders[0])
    assert Visit.objects.get(order=o).state == VisitState.UNASSIGNED
    assert not DispatchPlan.objects.exists()


def test_cancelling_frees_the_slot_and_pinned_visits_stay(world, setup):
    _profile, elders = setup
    orders = [order(world, e, dt.time(9 + 2 * i), dt.time(11 + 2 * i))
              for i, e in enumerate(elders)]
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY, now=NOW)
    pinned = Visit.objects.get(order=orders[2])
    visit_pin(actor=world.provider_manager, visit_id=pinned.pk, version=pinned.version, now=NOW)
    order_cancel(actor=world.worker_a1, order_id=orders[1].pk)
    gone = Visit.objects.get(order=orders[1])
    assert (gone.state, gone.caregiver_id, gone.planned_start) == \
        (VisitState.CANCELLED, None, None)
    row = DispatchPlan.objects.get(provider=world.provider, date=DAY)
    assert (row.served, row.unassigned) == (2, 0)
    assert Visit.objects.get(pk=pinned.pk).planned_start == pinned.planned_start
