"""A tiny home-care month for settlement, stats and demo tests (direct inserts: fixture data,
not a code path under test)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from anlao.accounts.models import Organisation
from anlao.homecare.models import (
    Anomaly,
    Channel,
    Contract,
    ContractItem,
    ContractState,
    Order,
    OrderState,
    Review,
    ServiceItem,
    Visit,
    VisitState,
)
from tests.personas import World, make_elder

OCTOBER = dt.date(2026, 10, 1)
NOW = timezone.make_aware(dt.datetime(2026, 11, 24, 10, 0))  # after October has ended


def make_item(code: str = "BATH01", category: str = "bathing", price: int = 6000) -> ServiceItem:
    return ServiceItem.objects.get_or_create(
        code=code, defaults={"name": f"服务{code}", "category": category, "standard_minutes": 60,
                             "price_fen": price, "tasks": ["准备", "服务", "清洁"]})[0]


def make_contract(world: World, provider: Organisation, item: ServiceItem,
                  number: str = "HT-001", streets: list | None = None) -> Contract:
    c = Contract.objects.create(number=number, provider=provider, start=dt.date(2026, 1, 1),
                                end=dt.date(2026, 12, 31), state=ContractState.ACTIVE)
    c.streets.set(streets or [world.street_a, world.street_b])
    ContractItem.objects.create(contract=c, item=item, price_fen=item.price_fen)
    return c


def make_visit(world: World, contract: Contract, elder: Any, day: dt.date, *,
               price: int = 6000, copay: int = 1000, state: str = VisitState.DONE,
               review: str = Review.VERIFIED, check_in_late_min: int | None = 0,
               item: ServiceItem | None = None) -> Visit:
    item = item or contract.items.first().item
    order = Order.objects.create(
        elder=elder, provider=contract.provider, contract=contract, item=item,
        channel=Channel.COMMUNITY, date=day, window_start=dt.time(9), window_end=dt.time(11),
        minutes=60, price_fen=price, credit_fen=price - copay, copay_fen=copay,
        state=OrderState.DONE if state == VisitState.DONE else OrderState.ACCEPTED,
        created_by=world.worker_a1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    v = Visit.objects.create(order=order, provider=contract.provider, date=day, state=state,
                             review=review, planned_start=start,
                             planned_end=start + dt.timedelta(minutes=60))
    if check_in_late_min is not None and state in (VisitState.DONE, VisitState.IN_PROGRESS):
        v.check_in_at = start + dt.timedelta(minutes=check_in_late_min)
        v.check_out_at = v.check_in_at + dt.timedelta(minutes=60)
        v.save(update_fields=["check_in_at", "check_out_at"])
    return v


def october(world: World) -> dict[str, Any]:
    """Provider's October: 3 paid, 1 rejected, 1 open anomaly, 1 unverified, 1 accepted
    anomaly (paid), 1 cancelled (not a line); other provider: 1 paid visit."""
    item = make_item()
    c = make_contract(world, world.provider, item)
    other_c = make_contract(world, world.other_provider, item, number="HT-002")
    e1 = make_elder(world.community_a1, name="王秀英", seq=1)
    e2 = make_elder(world.community_b1, name="李桂兰", seq=2)
    d = OCTOBER
    paid = [make_visit(world, c, e1, d + dt.timedelta(days=i), price=6000 + 100 * i,
                       copay=1000) for i in range(3)]
    rejected = make_visit(world, c, e2, d + dt.timedelta(days=5), review=Review.REJECTED)
    Anomaly.objects.create(visit=rejected, rule="outside_geofence", state="rejected")
    open_ = make_visit(world, c, e2, d + dt.timedelta(days=6), review=Review.PENDING)
    Anomaly.objects.create(visit=open_, rule="too_short")
    unverified = make_visit(world, c, e1, d + dt.timedelta(days=7), review=Review.PENDING)
    accepted = make_visit(world, c, e1, d + dt.timedelta(days=8), copay=0)
    Anomaly.objects.create(visit=accepted, rule="missing_check_out", state="accepted")
    cancelled = make_visit(world, c, e1, d + dt.timedelta(days=9),
                           state=VisitState.CANCELLED, check_in_late_min=None)
    other = make_visit(world, other_c, e2, d + dt.timedelta(days=2))
    return {"item": item, "contract": c, "other_contract": other_c, "elders": [e1, e2],
            "paid": paid, "rejected": rejected, "open": open_, "unverified": unverified,
            "accepted": accepted, "cancelled": cancelled, "other": other}
