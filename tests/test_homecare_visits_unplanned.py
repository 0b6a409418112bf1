"""An unplanned visit: a caregiver starts a visit at the door of an elder their provider serves."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.homecare.models import Channel, Order, Review, Visit, VisitState
from anlao.homecare.visits import selectors, services
from tests.personas import serve
from tests.visits_fixtures import HOME, NOW, build_day, make_elder


@pytest.fixture
def day(world):
    d = build_day(world)
    serve(d.elder, world.provider)
    return d


def start(day, elder=None, item=None, pos=HOME, **kw):
    return services.visit_start_unplanned(
        actor=day.world.caregiver, elder_id=(elder or day.elder).pk,
        item_id=(item or day.item).pk, lat=pos[0], lng=pos[1], now=NOW, **kw)


def test_it_creates_an_order_and_a_checked_in_visit_flagged_no_order(day):
    v = start(day)
    assert v.state == VisitState.IN_PROGRESS and v.check_in_at == NOW
    assert v.order.channel == Channel.CAREGIVER and v.order.created_by == day.world.caregiver
    assert v.order.price_fen == day.item.price_fen
    assert list(v.anomalies.values_list("rule", flat=True)) == ["no_order"]
    out = services.visit_check_out(actor=day.world.caregiver, visit=v.pk, lat=HOME[0],
                                 lng=HOME[1], now=NOW + dt.timedelta(minutes=60))
    assert out.review == Review.PENDING


def test_an_elder_the_provider_does_not_serve_is_not_found(day, world):
    stranger = make_elder(world.community_a1, name="陌生人", seq=88)
    with pytest.raises(NotFound):
        start(day, elder=stranger)
    assert not Order.objects.filter(elder=stranger).exists()


def test_a_service_outside_the_contract_is_refused(day):
    from anlao.homecare.models import ServiceItem

    other = ServiceItem.objects.create(code="X1", name="理发", category="daily_care",
                                       standard_minutes=30, price_fen=2000)
    with pytest.raises(ServiceError, match="no contract"):
        start(day, item=other)
    assert Visit.objects.count() == 1


def test_a_bad_position_creates_nothing(day):
    with pytest.raises(ValidationFailed):
        start(day, pos=(0.0, 0.0))
    assert Visit.objects.count() == 1 and Order.objects.count() == 1


def test_the_choices_list_served_elders_and_contract_items(day):
    got = selectors.unplanned_choices(actor=day.world.caregiver, q="王", on=NOW.date())
    assert got["elders"] == [day.elder] and got["items"] == [day.item]
    assert selectors.unplanned_choices(actor=day.world.worker_a1, q="王",
                                       on=NOW.date())["elders"] == []
