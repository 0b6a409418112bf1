"""Order acceptance rules, care plans and scoping (anlao/homecare/orders/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.homecare.models import CarePlan, Order, OrderState, Visit, VisitState
from anlao.homecare.orders import services as orders
from anlao.homecare.orders.selectors import OrderFilters, orders_for
from anlao.people.models import ServiceLink
from tests.homecare_fixtures import TODAY, active_contract, grant
from tests.personas import make_elder, serve

NINE, ELEVEN = dt.time(9), dt.time(11)
DAY = dt.date(2026, 11, 26)


@pytest.fixture
def setup(world):
    active_contract(world)
    elder = make_elder(world.community_a1)
    return world, elder


def _order(actor, elder, item="BATH-HOME", day=DAY, **kw):
    return orders.order_create(actor=actor, elder=elder.pk, item=item, date=day,
                               window_start=NINE, window_end=ELEVEN, channel="community",
                               today=TODAY, **kw)


def test_it_accepts_an_order_covered_by_credit_and_creates_the_visit(setup):
    world, elder = setup
    grant(elder, 20000)
    order = _order(world.worker_a1, elder)
    assert (order.price_fen, order.credit_fen, order.copay_fen) == (10000, 10000, 0)
    assert order.provider == world.provider and order.state == OrderState.ACCEPTED
    visit = Visit.objects.get(order=order)
    assert visit.state == VisitState.UNASSIGNED and visit.provider == world.provider
    assert visit.date == DAY
    assert ServiceLink.objects.filter(elder=elder, organisation=world.provider).count() == 1


def test_it_asks_a_copay_when_the_credit_is_short(setup):
    world, elder = setup
    grant(elder, 3000)
    order = _order(world.worker_a1, elder)
    assert (order.credit_fen, order.copay_fen) == (3000, 7000)


def test_credit_promised_to_earlier_orders_is_not_promised_twice(setup):
    world, elder = setup
    grant(elder, 15000)
    first = _order(world.worker_a1, elder)
    second = _order(world.worker_a1, elder, day=DAY + dt.timedelta(days=1))
    assert (first.credit_fen, second.credit_fen, second.copay_fen) == (10000, 5000, 5000)


def test_it_refuses_when_credit_and_copay_cannot_cover_it(setup, settings):
    world, elder = setup
    settings.HOMECARE = {**settings.HOMECARE, "MAX_COPAY_FEN": 5000}
    grant(elder, 2000)
    with pytest.raises(ServiceError) as info:
        _order(world.worker_a1, elder)
    assert info.value.code == "credit_exceeded" and "credit" in info.value.message
    assert not Order.objects.exists() and not Visit.objects.exists()


def test_it_refuses_an_elder_whose_street_no_contract_covers(world):
    active_contract(world, streets=[world.street_b])
    elder = make_elder(world.community_a1)
    grant(elder, 20000)
    with pytest.raises(ServiceError) as info:
        _order(world.worker_a1, elder)
    assert info.value.code == "no_contract"
    assert not Order.objects.exists()


def test_it_refuses_an_item_the_contract_does_not_buy(setup):
    world, elder = setup
    grant(elder, 50000)
    with pytest.raises(ServiceError) as info:
        _order(world.worker_a1, elder, item="MEDICAL-ESCORT")
    assert info.value.code == "no_contract"


def test_an_hourly_item_is_priced_by_its_minutes(setup):
    world, elder = setup
    grant(elder, 50000)
    assert _order(world.worker_a1, elder, item="DAILY-CARE").price_fen == 4000


def test_it_refuses_a_worker_of_another_community(setup):
    world, elder = setup
    grant(elder, 20000)
    with pytest.raises(NotFound):
        _order(world.worker_b1, elder)


def test_a_provider_manager_may_not_order(setup):
    world, elder = setup
    with pytest.raises(PermissionDenied):
        _order(world.provider_manager, elder)


def test_bad_windows_and_past_dates_are_refused_with_the_field(setup):
    world, elder = setup
    with pytest.raises(ValidationFailed) as info:
        orders.order_create(actor=world.worker_a1, elder=elder.pk, item="BATH-HOME",
                            date=TODAY - dt.timedelta(days=1), window_start=ELEVEN,
                            window_end=NINE, channel="community", today=TODAY)
    assert {"date", "window_end"} <= set(info.value.errors)


def test_a_repeated_idempotency_key_returns_the_same_order(setup):
    world, elder = setup
    grant(elder, 50000)
    a = _order(world.worker_a1, elder, idempotency_key="k-1")
    b = _order(world.worker_a1, elder, idempotency_key="k-1")
    assert a.pk == b.pk and Order.objects.count() == 1


def test_cancel_frees_the_visit_and_the_reserved_credit(setup):
    world, elder = setup
    grant(elder, 10000)
    first = _order(world.worker_a1, elder)
    orders.order_cancel(actor=world.worker_a1, order_id=first.pk, reason="hospital")
    first.refresh_from_db()
    assert first.state == OrderState.CANCELLED
    assert Visit.objects.get(order=first).state == VisitState.CANCELLED
    assert _order(world.worker_a1, elder).credit_fen == 10000


def test_a_provider_sees_only_its_own_orders(setup):
    world, elder = setup
    grant(elder, 20000)
    _order(world.worker_a1, elder)
    assert orders_for(actor=world.provider_manager).count() == 1
    assert orders_for(actor=world.other_provider_manager).count() == 0
    assert orders_for(actor=world.worker_b1).count() == 0
    accepted = OrderFilters(state="accepted")
    assert orders_for(actor=world.street_officer_a, filters=accepted).count() == 1


def test_a_partner_orders_only_for_elders_its_organisation_serves(setup):
    world, elder = setup
    grant(elder, 20000)
    with pytest.raises(NotFound):
        _order(world.partner, elder)
    serve(elder, world.partner.organisation)
    order = _order(world.partner, elder)
    assert orders_for(actor=world.partner).filter(pk=order.pk).exists()
    assert not orders_for(actor=world.other_partner).exists()


def test_a_care_plan_materialises_each_weekday_once_and_records_skipped_days(setup):
    world, elder = setup
    grant(elder, 20000)
    grant(elder, 30000, period=dt.date(2026, 12, 1))
    plan = orders.care_plan_create(actor=world.worker_a1, elder=elder.pk, item="BATH-HOME",
                                   weekdays=[1], window_start=NINE, window_end=ELEVEN,
                                   start=TODAY, today=TODAY)
    report = orders.care_plans_materialise(until=dt.date(2026, 12, 15), today=TODAY,
                                           plans=CarePlan.objects.filter(pk=plan.pk))
    # Tuesdays: 24 Nov, 1, 8, 15 Dec. November: 10000 credit each (copay 0); December credit
    # 30000 covers three; all four days fit within credit + co-pay.
    assert report["created"] == 4 and report["skipped"] == []
    again = orders.care_plans_materialise(until=dt.date(2026, 12, 15), today=TODAY)
    assert again["created"] == 0 and Order.objects.filter(care_plan=plan).count() == 4


def test_materialise_skips_days_the_credit_cannot_cover(setup, settings):
    world, elder = setup
    settings.HOMECARE = {**settings.HOMECARE, "MAX_COPAY_FEN": 0}
    grant(elder, 10000)
    plan = orders.care_plan_create(actor=world.worker_a1, elder=elder.pk, item="BATH-HOME",
                                   weekdays=[1, 3], window_start=NINE, window_end=ELEVEN,
                                   start=TODAY, today=TODAY)
    report = orders.care_plans_materialise(until=dt.date(2026, 11, 30), today=TODAY,
                                           plans=CarePlan.objects.filter(pk=plan.pk))
    assert report["created"] == 1
    assert [s["date"] for s in report["skipped"]] == ["2026-11-26"]
    assert report["skipped"][0]["code"] == "credit_exceeded"


def test_the_daily_job_materialises_the_coming_week(setup):
    world, elder = setup
    grant(elder, 50000)
    orders.care_plan_create(actor=world.worker_a1, elder=elder.pk, item="COMPANION",
                            weekdays=[0, 1, 2, 3, 4, 5, 6], window_start=NINE,
                            window_end=ELEVEN, start=TODAY, today=TODAY)
    now = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    # today to a week ahead: 24 Nov – 1 Dec, 8 days (1 Dec is all co-pay: no December credit)
    assert orders.care_plans_daily(now=now) == "8 orders, 0 days skipped"
    assert orders.care_plans_daily(now=now) == "0 orders, 0 days skipped"
