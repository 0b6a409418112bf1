"""One record of each scoped kind, built on either side of the district line for
tests/test_scoping_matrix.py: 拱墅区 (community A1, served by ``world.provider``) and 西湖区
(community X, served by ``world.xihu_provider``). Each builder returns the record's id and a
marker, a text every page showing the record shows, and no page of the other side may."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from anlao.accounts.models import Organisation
from anlao.alarms.models import Alarm
from anlao.areas.models import Area
from anlao.facilities.models import ComplianceFinding, Facility, FacilityType
from anlao.people.models import Elder
from tests.personas import World, make_elder, serve

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class Side:
    """One district's half of the fixture."""

    name: str  # "home" (拱墅区) or "away" (西湖区)
    community: Area
    provider: Organisation
    elder_name: str
    seq: int


@dataclass
class Built:
    pk: int
    marker: str


def sides(world: World) -> dict[str, Side]:
    return {"home": Side("home", world.community_a1, world.provider, "赵桂兰", 11),
            "away": Side("away", world.community_x, world.xihu_provider, "钱玉珍", 12)}


def _elder(side: Side) -> Elder:
    elder = Elder.objects.filter(name=side.elder_name).first()
    if elder is None:
        elder = make_elder(side.community, name=side.elder_name, seq=side.seq)
        serve(elder, side.provider)
    return elder


def elder(world: World, side: Side) -> Built:
    return Built(_elder(side).pk, side.elder_name)


def facility(world: World, side: Side) -> Built:
    name = f"{side.community.name}颐养院"
    f = Facility.objects.create(name=name, type=FacilityType.CARE_HOME, operator=side.provider,
                                area=side.community)
    return Built(f.pk, name)


def finding(world: World, side: Side) -> Built:
    """A compliance finding; it is read on its facility's page and the compliance list."""
    built = facility(world, side)
    ComplianceFinding.objects.create(facility_id=built.pk, rule="insurance", severity="error",
                                     params={"missing": True}, message="no insurance",
                                     checked_at=timezone.now())
    return built


def alarm(world: World, side: Side) -> Built:
    e = _elder(side)
    a = Alarm.objects.create(elder=e, source="hotline", kind="sos", area=e.residence_area,
                             raised_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH), state="new")
    return Built(a.pk, side.elder_name)


BUILDERS: dict[str, Callable[[World, Side], Built]] = {
    "elder": elder, "facility": facility, "finding": finding, "alarm": alarm,
}
