"""One record of each scoped kind, built on either side of the district line for
tests/test_scoping_matrix.py: 拱墅区 (community A1, served by ``world.provider``) and 西湖区
(community X, served by ``world.xihu_provider``). Each builder returns the record's id and a
marker, a text every page showing the record shows, and no page of the other side may.
Records are inserted directly (fixture data, not a code path under test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from anlao.accounts.models import Organisation, User
from anlao.alarms.models import Alarm
from anlao.areas.models import Area
from anlao.benefits.models import (
    BenefitRun,
    CheckFinding,
    Overpayment,
    Payment,
    PaymentKind,
    RunState,
)
from anlao.facilities.models import ComplianceFinding, Facility, FacilityType
from anlao.homecare.models import (
    Anomaly,
    CaregiverProfile,
    Channel,
    Contract,
    ContractItem,
    ContractState,
    Order,
    ServiceItem,
    Settlement,
    Visit,
    VisitState,
)
from anlao.people.models import Elder
from anlao.workforce.models import Caregiver, Employment
from tests.personas import TODAY, World, make_elder, make_id_number, serve

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class Side:
    """One district's half of the fixture."""

    name: str  # "home" (拱墅区) or "away" (西湖区)
    community: Area
    provider: Organisation
    caregiver: User  # the provider's caregiver persona
    elder_name: str
    caregiver_name: str
    seq: int


@dataclass
class Built:
    pk: int
    marker: str
    provider: int = 0  # the provider of the record's side, for pages that name it
    sub: int = 0  # a row inside the record that an action names (a finding of a run)


def sides(world: World) -> dict[str, Side]:
    return {"home": Side("home", world.community_a1, world.provider, world.caregiver,
                         "赵桂兰", "周丽", 11),
            "away": Side("away", world.community_x, world.xihu_provider, world.xihu_caregiver,
                         "钱玉珍", "吴芳", 12)}


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


# --- home care -------------------------------------------------------------------------------

def provider(world: World, side: Side) -> Built:
    return Built(side.provider.pk, side.provider.name, side.provider.pk)


def _profile(side: Side) -> CaregiverProfile:
    found = CaregiverProfile.objects.filter(user=side.caregiver).first()
    if found:
        return found
    person = Caregiver.objects.create(
        name=side.caregiver_name, id_number=make_id_number(dt.date(1978, 5, 1), seq=side.seq),
        birth_date=dt.date(1978, 5, 1), sex="F", area=side.community.parent)
    Employment.objects.create(caregiver=person, employer=side.provider,
                              start=dt.date(2024, 1, 1))
    return CaregiverProfile.objects.create(caregiver=person, provider=side.provider,
                                           user=side.caregiver, skills=["bathing"],
                                           working_hours={"0": ["08:00", "17:00"]})


def team(world: World, side: Side) -> Built:
    """A caregiver of the provider's team (their home-care profile)."""
    return Built(_profile(side).pk, side.caregiver_name, side.provider.pk)


def _visit(side: Side) -> Visit:
    item, _ = ServiceItem.objects.get_or_create(
        code="BATH-SCOPE", defaults={"name": "助浴", "category": "bathing",
                                     "standard_minutes": 60, "price_fen": 6000})
    contract = Contract.objects.create(number=f"HT-{side.name}", provider=side.provider,
                                       start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
                                       state=ContractState.ACTIVE)
    contract.streets.set([side.community.parent])
    ContractItem.objects.create(contract=contract, item=item, price_fen=6000)
    order = Order.objects.create(
        elder=_elder(side), provider=side.provider, contract=contract, item=item,
        channel=Channel.COMMUNITY, date=TODAY, window_start=dt.time(14),
        window_end=dt.time(16), minutes=60, price_fen=6000, created_by=side.caregiver)
    start = dt.datetime.combine(TODAY, dt.time(14), tzinfo=SH)
    return Visit.objects.create(order=order, provider=side.provider, date=TODAY,
                                caregiver=_profile(side), state=VisitState.ASSIGNED,
                                planned_start=start, planned_end=start + dt.timedelta(hours=1))


def order(world: World, side: Side) -> Built:
    return Built(_visit(side).order_id, side.elder_name)


def visit(world: World, side: Side) -> Built:
    return Built(_visit(side).pk, side.elder_name)


def anomaly(world: World, side: Side) -> Built:
    """A home-care anomaly (a finding on a visit) awaiting review."""
    a = Anomaly.objects.create(visit=_visit(side), rule="missing_check_out",
                               detail="no check-out", state="open")
    return Built(a.pk, side.elder_name)


def settlement(world: World, side: Side) -> Built:
    s = Settlement.objects.create(provider=side.provider, period=dt.date(2026, 10, 1),
                                  computed_by=world.root, computed_at=timezone.now())
    return Built(s.pk, side.provider.name)


# --- benefits --------------------------------------------------------------------------------

def _run(world: World, side: Side, state: str = RunState.COMPUTED) -> BenefitRun:
    district = side.community.parent.parent
    return BenefitRun.objects.create(program="gongshu-80-89-allowance", period="2026-10",
                                     area=district, state=state, created_by=world.root,
                                     computed_by=world.root, computed_at=timezone.now())


def run(world: World, side: Side) -> Built:
    r = _run(world, side)
    return Built(r.pk, r.area.name)


def payment(world: World, side: Side) -> Built:
    """An exported run with a failed payment line: the run page lists it by the elder."""
    r = _run(world, side, RunState.EXPORTED)
    r.summary = {"export": {"lines": 1, "total_fen": 10000}}
    r.save(update_fields=["summary"])
    Payment.objects.create(run=r, elder=_elder(side), line=1, kind=PaymentKind.REGULAR,
                           amount_fen=10000, holder=side.elder_name, status="failed",
                           fail_reason="account closed")
    return Built(r.pk, side.elder_name)


def overpayment(world: World, side: Side) -> Built:
    r = _run(world, side, RunState.EXPORTED)
    o = Overpayment.objects.create(elder=_elder(side), source_run=r, found_by=r,
                                   amount_fen=10000, reason="deceased")
    return Built(o.pk, side.elder_name)


def check(world: World, side: Side) -> Built:
    """A benefit-check finding of a run, awaiting review."""
    r = _run(world, side)
    f = CheckFinding.objects.create(run=r, rule="deceased_or_moved", elder=_elder(side),
                                    detail={"status": "deceased"})
    return Built(r.pk, side.elder_name, sub=f.pk)


BUILDERS: dict[str, Callable[[World, Side], Built]] = {
    "elder": elder, "facility": facility, "finding": finding, "alarm": alarm,
    "provider": provider, "team": team, "order": order, "visit": visit, "anomaly": anomaly,
    "settlement": settlement, "run": run, "payment": payment, "overpayment": overpayment,
    "check": check,
}
