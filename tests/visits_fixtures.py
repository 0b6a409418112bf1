"""A home-care day for the EVV tests: provider, contract, item, caregiver with a login, an elder
with a home position, and visits assigned to the caregiver (direct inserts: fixture data, not a
code path under test)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from anlao.accounts.models import User
from anlao.core.roles import Role
from anlao.homecare.models import (
    CaregiverProfile,
    Channel,
    Contract,
    ContractItem,
    ContractState,
    Order,
    ServiceItem,
    Visit,
    VisitState,
)
from anlao.workforce.models import Caregiver
from tests.personas import PASSWORD, TODAY, World, make_elder, make_id_number

HOME = (30.30249, 120.16711)  # 北文社区, 上塘街道
NOW = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))
TASKS = ["测量血压", "协助洗浴", "整理床铺"]
_seq = itertools.count(500)


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def north(metres: float) -> tuple[float, float]:
    """A point ``metres`` north of the elder's home (1° of latitude ≈ 111.2 km)."""
    return HOME[0] + metres / 111_195, HOME[1]


@dataclass
class Day:
    world: World
    item: ServiceItem
    contract: Contract
    profile: CaregiverProfile
    elder: Any
    visit: Visit


def make_profile(world: World, provider: Any, user: User | None, name: str = "李护理"
                 ) -> CaregiverProfile:
    n = next(_seq)
    person = Caregiver.objects.create(
        name=name, id_number=make_id_number(dt.date(1980, 1, 1), seq=n),
        birth_date=dt.date(1980, 1, 1), sex="F", area=world.street_a, phone="13900001111")
    return CaregiverProfile.objects.create(caregiver=person, provider=provider, user=user,
                                           skills=["bathing"], home_lat=HOME[0],
                                           home_lng=HOME[1] + 0.01)


def make_contract(world: World, provider: Any, item: ServiceItem, number: str) -> Contract:
    c = Contract.objects.create(number=number, provider=provider, start=dt.date(2026, 1, 1),
                                end=dt.date(2026, 12, 31), state=ContractState.ACTIVE)
    c.streets.set([world.street_a, world.street_b])
    ContractItem.objects.create(contract=c, item=item, price_fen=item.price_fen)
    return c


def make_visit(world: World, contract: Contract, elder: Any, profile: CaregiverProfile | None,
               *, day: dt.date = TODAY, start: int = 9, minutes: int = 60, sequence: int = 1,
               channel: str = Channel.COMMUNITY, state: str = VisitState.ASSIGNED,
               **fields: Any) -> Visit:
    item = contract.items.first().item
    order = Order.objects.create(
        elder=elder, provider=contract.provider, contract=contract, item=item, channel=channel,
        date=day, window_start=dt.time(start), window_end=dt.time(start + 2), minutes=minutes,
        price_fen=item.price_fen, credit_fen=item.price_fen, created_by=world.worker_a1)
    return Visit.objects.create(order=order, provider=contract.provider, date=day,
                                caregiver=profile, sequence=sequence, state=state,
                                planned_start=at(start, day=day),
                                planned_end=at(start, day=day) + dt.timedelta(minutes=minutes),
                                **fields)


def build_day(world: World, day: dt.date = TODAY) -> Day:
    """Service tests pass ``now=`` on TODAY; page and browser tests use the real date."""
    item = ServiceItem.objects.create(code="BATH-EVV", name="助浴上门", category="bathing",
                                      standard_minutes=60, price_fen=8000, tasks=TASKS)
    contract = make_contract(world, world.provider, item, "HT-EVV-1")
    world.caregiver.display_name = "李护理"
    world.caregiver.save(update_fields=["display_name"])
    profile = make_profile(world, world.provider, world.caregiver)
    elder = make_elder(world.community_a1, name="王秀英", seq=71, lat=HOME[0], lng=HOME[1])
    visit = make_visit(world, contract, elder, profile, day=day)
    return Day(world, item, contract, profile, elder, visit)


def other_caregiver_user(world: World, username: str = "caregiver_b") -> User:
    """A caregiver login of the other provider."""
    u = User.objects.create_user(username=username, password=PASSWORD, role=Role.CAREGIVER,
                                 organisation=world.other_provider, display_name=username)
    make_profile(world, world.other_provider, u, name="赵护理")
    return u
