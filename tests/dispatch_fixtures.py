"""Builders for the dispatch tests: a service day of one provider in the persona world.

Positions are small offsets east of a fixed point in 上塘街道, so distances (and hence the optimal
routes) are easy to reason about: 0.01° of longitude at 30.3°N is about 960 m.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from anlao.homecare.models import (
    CaregiverProfile,
    Category,
    Channel,
    Contract,
    ContractState,
    Leave,
    Order,
    ServiceItem,
    Visit,
)
from anlao.workforce.models import Caregiver
from tests.personas import make_elder, make_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 25)  # a Wednesday (ISO weekday 2)
NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI)  # the evening before
BASE = (30.30, 120.15)
WEEKDAYS = {str(d): ["08:00", "17:00"] for d in range(7)}

_seq = itertools.count(1)


def east(km: float, north_km: float = 0.0) -> tuple[float, float]:
    """A point ``km`` east (and ``north_km`` north) of BASE."""
    return BASE[0] + north_km / 111.2, BASE[1] + km / 96.0


def make_item(*, code: str = "", skill: str = "", min_level: str = "", minutes: int = 30,
              category: str = Category.DAILY_CARE) -> ServiceItem:
    code = code or f"item{next(_seq)}"
    return ServiceItem.objects.create(code=code, name=f"服务{code}", category=category,
                                      standard_minutes=minutes, required_skill=skill,
                                      min_level=min_level, price_fen=5000)


def make_contract(provider, street) -> Contract:
    c = Contract.objects.create(number=f"HT{next(_seq)}", provider=provider,
                                start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
                                state=ContractState.ACTIVE)
    c.streets.set([street])
    return c


def make_profile(world, name: str = "王丽", *, provider=None, skills=(), level: str = "",
                 home: tuple[float, float] | None = BASE, hours: dict | None = None,
                 user=None) -> CaregiverProfile:
    n = next(_seq)
    c = Caregiver.objects.create(name=name, id_number=make_id_number(dt.date(1980, 1, 1), seq=n),
                                 birth_date=dt.date(1980, 1, 1), sex="F",
                                 area=world.community_a1, phone="13800001234")
    return CaregiverProfile.objects.create(
        caregiver=c, provider=provider or world.provider, user=user, skills=list(skills),
        level=level, home_lat=home[0] if home else None, home_lng=home[1] if home else None,
        working_hours=WEEKDAYS if hours is None else hours)


def on_leave(profile: CaregiverProfile, start: dt.date = DAY, end: dt.date = DAY) -> Leave:
    return Leave.objects.create(profile=profile, start=start, end=end, reason="病假")


def make_visit(world, *, at: tuple[float, float] | None, item: ServiceItem | None = None,
               day: dt.date = DAY, window: tuple[str, str] = ("08:00", "17:00"),
               minutes: int = 30, provider=None, elder=None, name: str = "") -> Visit:
    """An accepted order and its (unassigned) visit for a new elder at ``at``."""
    provider = provider or world.provider
    if elder is None:
        n = next(_seq)
        elder = make_elder(world.community_a1, name=name or f"老人{n}", seq=n + 100,
                           lat=at[0] if at else None, lng=at[1] if at else None)
    item = item or make_item(minutes=minutes)
    contract = Contract.objects.filter(provider=provider).first() \
        or make_contract(provider, world.street_a)
    order = Order.objects.create(
        elder=elder, provider=provider, contract=contract, item=item,
        channel=Channel.COMMUNITY, date=day, window_start=dt.time.fromisoformat(window[0]),
        window_end=dt.time.fromisoformat(window[1]), minutes=minutes, price_fen=5000,
        created_by=world.worker_a1)
    return Visit.objects.create(order=order, provider=provider, date=day)
