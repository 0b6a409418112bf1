"""Demo step: the home-care world (runs after the people, benefits and workforce steps).

The shipped catalog; an active contract for each demo provider and its two streets; home-care
caregivers (workforce.Caregiver + Employment + CaregiverProfile: skills, home in their
streets, working hours, some leave), the ``caregiver`` login linked to one of PROVIDERS[0];
service credit for last month and this month through the benefits engine (a normal run of
policies/homecare-service-credit.yaml computed by the demo district officer, approved by the
demo city administrator, then granted); care plans for the purchased-service elders (seed 003:
5,185, extreme poverty and disability first; a proportional share of a smaller demo); and
their orders and visits from the 1st of this month to 7 days ahead, in bulk.

Deterministic from ``seed``; idempotent (each part is skipped when already present).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from anlao.accounts.models import Organisation, User
from anlao.areas.models import Area, AreaLevel
from anlao.core.periods import month_start, next_month, previous_month
from anlao.credit.models import CreditEntry
from anlao.credit.selectors import has_line
from anlao.demo import bulk
from anlao.demo.names import FEMALE_FIRST, FEMALE_SECOND, MALE_FIRST, MALE_SECOND, SURNAMES
from anlao.demo.world import DISTRICT, PROVIDERS
from anlao.homecare.catalog.services import catalog_load
from anlao.homecare.models import (
    VISIT_CREDIT_SOURCE,
    CaregiverProfile,
    CarePlan,
    Channel,
    Contract,
    ContractItem,
    ContractState,
    Leave,
    Order,
    ServiceItem,
    Visit,
)
from anlao.homecare.orders.services import price_for
from anlao.people.models import Elder, ServiceLink
from anlao.workforce.models import Caregiver, Employment

PROGRAM = "homecare-service-credit"
PURCHASED_ELDERS = 5185  # seed 003: 政府购买服务老人数达5185人
FULL_DEMO = 60_000  # the default demo size; smaller demos get a proportional share
CAREGIVERS_PER_PROVIDER = 18  # ASSUMPTION: 90 home-care workers for the five providers
SKILLS = [("bathing", 0.45), ("nursing", 0.3), ("escort", 0.35)]  # ASSUMPTION: shares
# Plan mix per ability level: (item code, weight). ASSUMPTION, shaped by seed 003's "1+N".
PLAN_MIX = {
    "impaired": [("BATH-HOME", 3), ("DAILY-CARE", 4), ("CLEAN-HOME", 2), ("HEALTH-CHECK", 2),
                 ("COMPANION", 1), ("MEDICAL-ESCORT", 1)],
    "able": [("COMPANION", 4), ("CLEAN-HOME", 3), ("MEAL-DELIVER", 2), ("HOUSEKEEPING", 2),
             ("HEALTH-CHECK", 1)],
}


def seed(seed: int, stdout: Any, *, today: dt.date | None = None) -> None:
    t0 = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed * 7907 + 3)
    with transaction.atomic():
        catalog_load(actor=None)
        contracts = _contracts(rng, today)
        carers = _caregivers(rng, today)
    granted = _credit(today, stdout)
    with transaction.atomic():
        plans = _plans(rng, today, contracts)
        made, skipped = _orders(today, today + dt.timedelta(days=7))
    stdout.write(f"  homecare: {len(set(contracts.values()))} contracts, {carers} caregivers, "
                 f"{granted} credit grants, {plans} care plans, {made} orders "
                 f"({skipped} days over credit) in "
                 f"{time.perf_counter() - t0:.1f} s")


# --- contracts and caregivers -----------------------------------------------------------------

def _contracts(rng: random.Random, today: dt.date) -> dict[str, Contract]:
    """Street code → the active contract serving it (one per provider, two streets each)."""
    items = list(ServiceItem.objects.filter(is_active=True))
    start = dt.date(today.year - 1, 1, 1)
    end = dt.date(today.year + 1, 12, 31)
    by_street: dict[str, Contract] = {}
    for n, (name, streets) in enumerate(PROVIDERS, start=1):
        provider = Organisation.objects.filter(name=name).first()
        if provider is None:
            continue
        contract = Contract.objects.filter(number=f"GS-HC-{start.year}-{n:02d}").first()
        if contract is None:
            contract = Contract.objects.create(
                number=f"GS-HC-{start.year}-{n:02d}", provider=provider, start=start, end=end,
                state=ContractState.ACTIVE, expected_visits=rng.randrange(8000, 20000, 500),
                note="demo")
            contract.streets.set(Area.objects.current().filter(code__in=streets))
            ContractItem.objects.bulk_create([ContractItem(
                contract=contract, item=i,
                price_fen=round(i.price_fen * rng.uniform(0.9, 1.1) / 100) * 100)
                for i in items])
        by_street.update({code: contract for code in streets})
    return by_street


def _name(rng: random.Random, female: bool) -> str:
    first, second = (FEMALE_FIRST, FEMALE_SECOND) if female else (MALE_FIRST, MALE_SECOND)
    return rng.choice(SURNAMES[0::2]) + str(rng.choice(first)) + str(rng.choice(second))


def _id_number(birth: dt.date, seq: int, female: bool) -> str:
    # 330106 (西湖区) keeps these apart from the workforce demo's 330105 numbers.
    n17 = f"330106{birth:%Y%m%d}{(seq % 499) * 2 + (0 if female else 1):03d}"
    return n17 + ric.calc_check_digit(n17 + "0")


def _hours(rng: random.Random) -> dict[str, list[str]]:
    start = rng.choice(["07:30", "08:00", "08:00", "09:00"])
    end = {"07:30": "16:30", "08:00": "17:00", "09:00": "18:00"}[start]
    days = [0, 1, 2, 3, 4] + ([5] if rng.random() < 0.4 else []) + (
        [6] if rng.random() < 0.15 else [])
    return {str(d): [start, end] for d in days}


def _caregivers(rng: random.Random, today: dt.date) -> int:
    """Home-care workers of each provider, unless the provider already has profiles."""
    communities = defaultdict(list)
    for a in Area.objects.current().filter(level=AreaLevel.COMMUNITY, lat__isnull=False) \
            .select_related("parent"):
        communities[a.parent.code].append(a)
    made, seq = 0, 0
    for name, streets in PROVIDERS:
        provider = Organisation.objects.filter(name=name).first()
        if provider is None or CaregiverProfile.objects.filter(provider=provider).exists():
            continue
        homes = [c for s in streets for c in communities[s]]
        rows = []
        for _i in range(CAREGIVERS_PER_PROVIDER):
            seq += 1
            female = rng.random() < 0.85
            birth = dt.date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
            rows.append(Caregiver(name=_name(rng, female), birth_date=birth,
                                  sex="F" if female else "M", area=provider.area,
                                  id_number=_id_number(birth, seq, female),
                                  phone=f"137{rng.randint(0, 99999999):08d}"))
        taken = set(Caregiver.objects.filter(id_number__in=[c.id_number for c in rows])
                    .values_list("id_number", flat=True))
        rows = Caregiver.objects.bulk_create([c for c in rows if c.id_number not in taken])
        _profiles(rng, provider, rows, homes, today)
        made += len(rows)
    _link_login()
    return made


def _profiles(rng: random.Random, provider: Organisation, rows: list[Caregiver],
              homes: list[Area], today: dt.date) -> None:
    Employment.objects.bulk_create([Employment(
        caregiver=c, employer=provider, start=today - dt.timedelta(days=rng.randint(60, 2000)))
        for c in rows])
    profiles = []
    for c in rows:
        home = rng.choice(homes) if homes else None
        skills = sorted(s for s, share in SKILLS if rng.random() < share)
        profiles.append(CaregiverProfile(
            caregiver=c, provider=provider, skills=skills,
            level=rng.choice(["level5", "level5", "level4", "level4", "level3", ""]),
            home_lat=home.lat + rng.uniform(-0.006, 0.006) if home else None,
            home_lng=home.lng + rng.uniform(-0.006, 0.006) if home else None,
            working_hours=_hours(rng)))
    profiles = CaregiverProfile.objects.bulk_create(profiles)
    leave = []
    for p in rng.sample(profiles, k=max(1, len(profiles) // 10)):
        first = today + dt.timedelta(days=rng.randint(-10, 10))
        leave.append(Leave(profile=p, start=first, end=first + dt.timedelta(days=rng.randint(0, 4)),
                           reason=rng.choice(["年假", "病假", "事假"])))
    Leave.objects.bulk_create(leave)


def _link_login() -> None:
    """The ``caregiver`` demo login is the first home-care worker of PROVIDERS[0] with the
    bathing skill (so the demo route has bathing visits)."""
    user = User.objects.filter(username="caregiver").first()
    if user is None or CaregiverProfile.objects.filter(user=user).exists():
        return
    profiles = CaregiverProfile.objects.filter(provider=user.organisation_id).order_by("pk")
    profile = next((p for p in profiles if "bathing" in p.skills), profiles.first())
    if profile is not None:
        profile.user = user
        profile.working_hours = {str(d): ["08:00", "17:00"] for d in range(6)}
        profile.save(update_fields=["user", "working_hours"])


# --- service credit through the benefits engine ----------------------------------------------

def _credit(today: dt.date, stdout: Any) -> int:
    """Approved runs of the service-credit program for last month and this month, granted."""
    from anlao.benefits.models import BenefitRun, Entitlement, RunState
    from anlao.benefits.runs import services as runs
    from anlao.credit.services import credit_grant_from_run

    officer = User.objects.filter(username="district_officer").first()
    admin = User.objects.filter(username="city_admin").first()
    if officer is None or admin is None:
        stdout.write("    homecare: no demo officers, no service credit")
        return 0
    granted = 0
    for month in (previous_month(today), month_start(today)):
        period = f"{month:%Y-%m}"
        runs_of = BenefitRun.objects.filter(program=PROGRAM, period=period)
        # A re-seed wipes the elders and with them the entitlements: their runs are stale.
        runs_of.exclude(pk__in=Entitlement.objects.values("run_id")).delete()
        run = runs_of.filter(state__in=[RunState.APPROVED, RunState.EXPORTED]).first()
        if run is None:
            run = runs.run_create(actor=officer, program=PROGRAM, period=period,
                                  district_code=DISTRICT, today=today)
            runs.run_compute(actor=officer, run_id=run.pk)
            runs.run_review(actor=officer, run_id=run.pk)
            run = runs.run_approve(actor=admin, run_id=run.pk)
        granted += credit_grant_from_run(actor=admin, run=run)
    return granted


# --- care plans and their orders -------------------------------------------------------------

def _purchased(rng: random.Random, this_month: dt.date) -> list[tuple]:
    """Credited elders to give care plans: extreme poverty and disability first."""
    credited = dict(CreditEntry.objects.filter(period=this_month, kind="grant")
                    .values_list("elder_id", "amount"))
    have = set(CarePlan.objects.values_list("elder_id", flat=True))
    rows = list(Elder.objects.filter(pk__in=list(credited), status="active")
                .exclude(pk__in=have).values_list(
                    "pk", "residence_area__parent__code", "extreme_poverty",
                    "disability_grade", "ability_level").order_by("pk"))
    share = min(PURCHASED_ELDERS, round(PURCHASED_ELDERS * Elder.objects.count() / FULL_DEMO))
    share = max(0, share - len(have))
    rng.shuffle(rows)
    rows.sort(key=lambda r: (not r[2], r[3] is None, -(r[4] or 0)))
    return [(*r, credited[r[0]]) for r in rows[:share]]


def _plan_items(rng: random.Random, level: int | None, credit: int,
                prices: dict[str, int]) -> list[tuple[str, list[int]]]:
    """One or two recurring services whose month (≈4.3 weeks) roughly fits the credit."""
    mix = PLAN_MIX["impaired" if (level or 0) >= 2 else "able"]
    codes = [c for c, _w in mix]
    chosen, budget = [], credit * 1.15  # a little co-pay is normal
    for _i in range(2):
        code = rng.choices(codes, [w for _c, w in mix])[0]
        days = sorted(rng.sample(range(6), 2 if prices[code] <= 4000 and rng.random() < 0.4
                                 else 1))
        cost = prices[code] * len(days) * 4.3
        if chosen and (cost > budget or code in {c for c, _d in chosen}):
            break
        chosen.append((code, days))
        budget -= cost
    return chosen


def _plans(rng: random.Random, today: dt.date, contracts: dict[str, Contract]) -> int:
    this_month = month_start(today)
    start = previous_month(today)
    creator = User.objects.filter(username__in=["hotline", "district_officer"]) \
        .order_by("username").first()
    if creator is None or not contracts:
        return 0
    items = {i.code: i for i in ServiceItem.objects.all()}
    lines = {(c, i): p for c, i, p in ContractItem.objects.values_list(
        "contract_id", "item__code", "price_fen")}
    plans, links = [], []
    linked = set(ServiceLink.objects.values_list("elder_id", "organisation_id"))
    for pk, street, _poor, _grade, level, credit in _purchased(rng, this_month):
        contract = contracts.get(street)
        if contract is None:
            continue
        prices = {code: price_for(items[code], lines[(contract.pk, code)],
                                  items[code].standard_minutes) for code in items}
        for code, days in _plan_items(rng, level, credit, prices):
            hour = rng.choice([8, 9, 9, 10, 13, 14, 15])
            plans.append(CarePlan(
                elder_id=pk, provider_id=contract.provider_id, contract=contract,
                item=items[code], weekdays=days, window_start=dt.time(hour),
                window_end=dt.time(hour + 2), start=start, channel=Channel.COMMUNITY,
                created_by=creator))
        if (pk, contract.provider_id) not in linked:
            links.append(ServiceLink(elder_id=pk, organisation_id=contract.provider_id,
                                     start_date=start))
            linked.add((pk, contract.provider_id))
    CarePlan.objects.bulk_create(plans, batch_size=2000)
    ServiceLink.objects.bulk_create(links, batch_size=2000)
    return len(plans)


def _orders(today: dt.date, until: dt.date) -> tuple[int, int]:
    """Each plan day from the 1st of this month to ``until``: an order and its visit, with the
    credit split the order service would make (credit first, co-pay up to the setting)."""
    first = month_start(today)
    have = set(Order.objects.filter(care_plan__isnull=False, date__gte=first, date__lte=until)
               .values_list("care_plan_id", "date"))
    left = _credit_left(first, until)
    lines = {(c, i): p for c, i, p in ContractItem.objects.values_list(
        "contract_id", "item_id", "price_fen")}
    max_copay = int(settings.HOMECARE["MAX_COPAY_FEN"])
    rows, skipped = [], 0
    plans = CarePlan.objects.filter(state="active").select_related("item").order_by("pk")
    for plan in plans.iterator(chunk_size=2000):
        price = price_for(plan.item, lines[(plan.contract_id, plan.item_id)],
                          plan.item.standard_minutes)
        for day in _days(plan, first, until):
            if (plan.pk, day) in have:
                continue
            key = (plan.elder_id, month_start(day))
            credit = min(price, max(0, left[key]))
            if price - credit > max_copay:
                skipped += 1
                continue
            left[key] -= credit
            rows.append((plan.elder_id, plan.provider_id, plan.contract_id, plan.item_id,
                         plan.pk, plan.channel, day, plan.window_start.isoformat(),
                         plan.window_end.isoformat(), plan.item.standard_minutes, price, credit,
                         price - credit, plan.created_by_id))
    _insert_orders(rows)
    return len(rows), skipped


ORDER_COLUMNS = ["elder_id", "provider_id", "contract_id", "item_id", "care_plan_id", "channel",
                 "date", "window_start", "window_end", "minutes", "price_fen", "credit_fen",
                 "copay_fen", "created_by_id"]


def _insert_orders(rows: list[tuple]) -> None:
    """Orders and their visits through the demo's bulk writer (executemany / COPY): the ORM's
    bulk_create spends most of its time preparing values, about 5x slower here."""
    if not rows:
        return
    now = timezone.now()
    frame = pl.DataFrame(rows, schema=ORDER_COLUMNS, orient="row")
    first = bulk.next_id(Order)
    frame = frame.with_columns(state=pl.lit("accepted"), note=pl.lit(""),
                               idempotency_key=pl.lit(""))
    bulk.insert(Order, bulk.complete(Order, frame, first_id=first, now=now))
    visits = pl.DataFrame({
        "order_id": pl.int_range(first, first + frame.height, eager=True),
        "provider_id": frame["provider_id"], "date": frame["date"],
        "tasks_done": pl.repeat("[]", frame.height, eager=True)})
    bulk.insert(Visit, bulk.complete(Visit, visits, first_id=bulk.next_id(Visit), now=now))
    bulk.reset_sequences(Order, Visit)


def _credit_left(first: dt.date, until: dt.date) -> dict[tuple[int, dt.date], int]:
    """(elder, month) → balance minus credit already promised to accepted orders."""
    left: dict[tuple[int, dt.date], int] = defaultdict(int)
    for elder, period, amount in CreditEntry.objects.filter(
            period__gte=first, period__lte=until, unit="fen").values_list(
            "elder_id", "period", "amount"):
        left[(elder, period)] += amount
    for elder, day, fen in Order.objects.filter(
            date__gte=first, date__lt=next_month(until),
            state__in=["accepted", "done"]).exclude(has_line(VISIT_CREDIT_SOURCE, "visit__id")) \
            .values_list("elder_id", "date", "credit_fen"):
        left[(elder, month_start(day))] -= fen
    return left


def _days(plan: CarePlan, first: dt.date, until: dt.date) -> list[dt.date]:
    day, out = max(first, plan.start), []
    last = min(until, plan.end) if plan.end else until
    while day <= last:
        if day.weekday() in plan.weekdays:
            out.append(day)
        day += dt.timedelta(days=1)
    return out
