"""Demo step: a lived visit history and a settled month (runs after ``anlao.homecare.demo``).

For every active care plan, the days of the previous month and of this month before today get
their order and visit (created here when the orders step made only future ones), then every
such visit not yet lived gets a caregiver of its provider (the elder's previous one when free),
a planned start, check-in/out times and GPS near the home, tasks done and often the elder's
confirmation. A realistic sprinkle goes wrong on purpose (missed visits, check-ins away from
home, too short, missing check-out, no GPS); the visits engineer's bulk detector
(``anomalies.detect_for_visits``) turns them into anomalies. Most of last month's anomalies and
some of this month's are reviewed, clean visits are verified and spend the elder's credit, a
sample gets a follow-up rating, and last month is settled per provider (computed by the demo
district officer, approved by the demo city administrator: four eyes).

Deterministic from ``seed``; idempotent (lived visits, existing plan days and existing
settlements are skipped); bulk writes throughout.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections import defaultdict
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from anlao.accounts.models import User
from anlao.core.geo import offset
from anlao.core.periods import month_start, next_month, previous_month
from anlao.credit.models import HOLD_KINDS, CreditEntry, CreditKind, CreditUnit
from anlao.credit.selectors import has_line
from anlao.demo import bulk
from anlao.homecare.models import (
    VISIT_CREDIT_SOURCE,
    Anomaly,
    AnomalyState,
    CaregiverProfile,
    CarePlan,
    ContractItem,
    FollowUp,
    FollowUpMethod,
    Order,
    OrderState,
    PlanState,
    Review,
    ServiceItem,
    Settlement,
    Visit,
    VisitState,
)
from anlao.homecare.settlement.services import settlement_approve, settlement_compute
from anlao.homecare.visits import anomalies as rules
from anlao.people.models import Elder

# Share of lived visits that go wrong, by kind (the rest are clean).
MISSED, FAR, SHORT, NO_CHECK_OUT, NO_GPS = 0.015, 0.03, 0.025, 0.012, 0.005
LATEST_MINUTES = 120  # a visit starting later than this after its window is not made
GAP_MINUTES = 30  # between one visit's planned end and the caregiver's next planned start
# Chance a reviewer accepts an anomaly of this rule (the rest are rejected).
ACCEPT = {"outside_geofence": 0.6, "too_short": 0.35, "overlap": 0.7,
          "missing_check_out": 0.2, "elder_unavailable": 0.0, "no_order": 0.5}
COMMENTS = ["服务很细心", "准时到达，态度好", "希望多来几次", "做得不错", "时间有点短", ""]


def _aware(day: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t))


def _user(*names: str) -> User | None:
    return User.objects.filter(username__in=names).order_by("username").first()


# --- bulk writing -----------------------------------------------------------------------------
# The ORM's bulk_create/bulk_update spend most of their time preparing values; the demo's bulk
# writer (executemany / COPY) and one parameterised UPDATE are several times faster.

ORDER_FIELDS = ["elder", "provider", "contract", "item", "care_plan", "channel", "date",
                "window_start", "window_end", "minutes", "price_fen", "credit_fen", "copay_fen",
                "created_by", "state", "note", "idempotency_key"]


def insert(model: type[models.Model], objs: list, fields: list[str]) -> None:
    """Instances whose primary keys are already set, through ``anlao.demo.bulk``."""
    if not objs:
        return
    data: dict[str, list] = {"id": [o.pk for o in objs]}
    for name in fields:
        f = model._meta.get_field(name)
        values = [getattr(o, f.attname) for o in objs]
        if isinstance(f, models.TimeField):
            values = [v.isoformat() if v else None for v in values]
        elif isinstance(f, models.JSONField):
            values = [json.dumps(v, ensure_ascii=False) for v in values]
        elif isinstance(f, models.CharField):  # TextChoices members → plain str for Polars
            values = [None if v is None else str(v) for v in values]
        data[f.attname] = values
    frame = pl.DataFrame(data, strict=False)
    bulk.insert(model, bulk.complete(model, frame, first_id=0, now=timezone.now()))
    bulk.reset_sequences(model)


def with_ids(model: type[models.Model], objs: list) -> list:
    first_id = bulk.next_id(model)
    for n, o in enumerate(objs):
        o.pk = first_id + n
    return objs


def update(visits: list[Visit], names: list[str]) -> None:
    """One UPDATE statement, executed for every visit."""
    if not visits:
        return
    fields = [Visit._meta.get_field(n) for n in names]
    q = connection.ops.quote_name
    sql = (f"UPDATE {q(Visit._meta.db_table)} SET "
           + ", ".join(f"{q(f.column)} = %s" for f in fields) + f" WHERE {q('id')} = %s")
    rows = [[f.get_db_prep_save(getattr(v, f.attname), connection) for f in fields] + [v.pk]
            for v in visits]
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


# --- orders for the past days ----------------------------------------------------------------

def _plan_days(plan: CarePlan, first: dt.date, until: dt.date) -> list[dt.date]:
    last = min(until, plan.end) if plan.end else until
    days, day = [], max(first, plan.start)
    while day <= last:
        if day.weekday() in plan.weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _plan_splits() -> dict[int, tuple[int, int]]:
    """Each plan's (price, credit) from its earliest existing order, in one query."""
    out: dict[int, tuple[int, int]] = {}
    for plan, price, credit in Order.objects.filter(care_plan__isnull=False).order_by(
            "care_plan_id", "date").values_list("care_plan_id", "price_fen", "credit_fen"):
        out.setdefault(plan, (price, credit))
    return out


def _plan_price(plan: CarePlan, prices: dict) -> tuple[int, int]:
    price = prices.get((plan.contract_id, plan.item_id), plan.item.price_fen)
    if plan.item.unit == "hour":
        price = (price * plan.item.standard_minutes + 30) // 60
    return price, price


def materialise_past(first: dt.date, today: dt.date) -> list[Visit]:
    """Orders for active plans' days in [first, today) without one; their visits unsaved
    (the caller lives them first, so they are inserted once, complete)."""
    prices = {(c, i): p for c, i, p in ContractItem.objects.values_list(
        "contract_id", "item_id", "price_fen")}
    have = set(Order.objects.filter(care_plan__isnull=False, date__gte=first, date__lt=today)
               .values_list("care_plan_id", "date"))
    orders, splits = [], _plan_splits()
    plans = CarePlan.objects.filter(state=PlanState.ACTIVE, start__lt=today).select_related(
        "item", "contract")
    for plan in plans:
        days = [d for d in _plan_days(plan, first, today - dt.timedelta(days=1))
                if (plan.pk, d) not in have and plan.contract.start <= d <= plan.contract.end]
        if not days:
            continue
        price, credit = splits.get(plan.pk) or _plan_price(plan, prices)
        orders += [Order(elder_id=plan.elder_id, provider_id=plan.provider_id,
                         contract_id=plan.contract_id, item_id=plan.item_id, care_plan=plan,
                         channel=plan.channel, date=d, window_start=plan.window_start,
                         window_end=plan.window_end, minutes=plan.item.standard_minutes,
                         price_fen=price, credit_fen=credit, copay_fen=price - credit,
                         created_by_id=plan.created_by_id) for d in days]
    insert(Order, with_ids(Order, orders), ORDER_FIELDS)
    return [Visit(order=o, provider_id=o.provider_id, date=o.date) for o in orders]


# --- living the visits -----------------------------------------------------------------------

def _assign(day_visits: list[Visit], carers: list[int], last_carer: dict[int, int]) -> None:
    """Greedy: in window order, the elder's previous caregiver if free, else the first free."""
    free_at: dict[int, dt.datetime] = {}
    ordered = sorted(day_visits, key=lambda x: (x.order.window_start, x.order_id))
    for seq, v in enumerate(ordered, 1):
        start = _aware(v.date, v.order.window_start)
        prefer = last_carer.get(v.order.elder_id)
        candidates = ([prefer] if prefer in carers else []) + carers
        cg = next((c for c in candidates if free_at.get(c, start) <= start),
                  min(carers, key=lambda c: free_at.get(c, start)))
        begin = max(start, free_at.get(cg, start))
        if begin > _aware(v.date, v.order.window_end) + dt.timedelta(minutes=LATEST_MINUTES):
            v.state = VisitState.MISSED  # nobody free the whole afternoon: not served
            v.unassigned_reason = "no caregiver free"
            continue
        v.caregiver_id, v.sequence = cg, seq
        v.planned_start = begin
        v.planned_end = begin + dt.timedelta(minutes=v.order.minutes)
        free_at[cg] = v.planned_end + dt.timedelta(minutes=GAP_MINUTES)
        last_carer[v.order.elder_id] = cg


def _offset(lat: float, lng: float, metres: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    return offset(lat, lng, metres * math.cos(angle), metres * math.sin(angle))


def _live_one(v: Visit, home: tuple[float, float] | None, tasks: list, rng: random.Random) -> None:
    r = rng.random()
    if r < MISSED:
        v.state = VisitState.MISSED
        return
    r -= MISSED
    late = rng.choice([-5, -2, 0, 3, 5, 8, 10]) if rng.random() > 0.05 else rng.randint(20, 45)
    v.check_in_at = v.planned_start + dt.timedelta(minutes=late, seconds=rng.randint(0, 59))
    # a late caregiver catches up (shorter, not below 60 %), so late starts rarely overlap
    share = (rng.uniform(0.2, 0.4) if r < SHORT else
             max(rng.uniform(0.95, 1.05) - max(late, 0) / v.order.minutes, 0.6))
    metres = rng.uniform(300, 1500) if SHORT <= r < SHORT + FAR else rng.uniform(5, 80)
    if home is not None and not (SHORT + FAR <= r < SHORT + FAR + NO_GPS):
        v.check_in_lat, v.check_in_lng = _offset(*home, metres, rng)
        v.check_in_distance_m = round(metres)
    v.tasks_done = list(tasks) if rng.random() > 0.1 else list(tasks)[:-1]
    if SHORT + FAR + NO_GPS <= r < SHORT + FAR + NO_GPS + NO_CHECK_OUT:
        v.state = VisitState.IN_PROGRESS  # the caregiver never checked out
        return
    v.state = VisitState.DONE
    v.check_out_at = v.check_in_at + dt.timedelta(minutes=v.order.minutes * share)
    if home is not None:
        out_m = rng.uniform(5, 60)
        v.check_out_lat, v.check_out_lng = _offset(*home, out_m, rng)
        v.check_out_distance_m = round(out_m)
    if rng.random() < 0.75:
        v.confirmed_at = v.check_out_at


LIVED_FIELDS = ["caregiver", "sequence", "planned_start", "planned_end", "state",
                "unassigned_reason",
                "check_in_at", "check_in_lat", "check_in_lng", "check_in_distance_m",
                "check_out_at", "check_out_lat", "check_out_lng", "check_out_distance_m",
                "confirmed_at", "tasks_done"]


def live(visits: list[Visit], rng: random.Random) -> None:
    """Assign and record each visit (in memory); the caller saves them."""
    homes = {pk: (lat, lng) for pk, lat, lng in Elder.objects.filter(
        pk__in={v.order.elder_id for v in visits}, lat__isnull=False, lng__isnull=False)
        .values_list("pk", "lat", "lng")}
    tasks = dict(ServiceItem.objects.values_list("pk", "tasks"))
    carers: dict[int, list[int]] = defaultdict(list)
    for pk, provider in CaregiverProfile.objects.filter(is_active=True).order_by("pk") \
            .values_list("pk", "provider_id"):
        carers[provider].append(pk)
    by_day: dict[tuple[int, dt.date], list[Visit]] = defaultdict(list)
    for v in visits:
        by_day[(v.provider_id, v.date)].append(v)
    last_carer: dict[int, int] = {}
    for (provider, _day), day_visits in sorted(by_day.items(), key=lambda kv: kv[0][1]):
        if carers.get(provider):
            _assign(day_visits, carers[provider], last_carer)
        for v in sorted(day_visits, key=lambda x: x.order_id):
            if v.state == VisitState.MISSED:
                continue
            if v.planned_start is None:
                v.planned_start = _aware(v.date, v.order.window_start)
            _live_one(v, homes.get(v.order.elder_id), tasks.get(v.order.item_id, []), rng)


def unlived(first: dt.date, today: dt.date) -> list[Visit]:
    return list(Visit.objects.filter(date__gte=first, date__lt=today, check_in_at__isnull=True,
                                     state__in=[VisitState.UNASSIGNED, VisitState.ASSIGNED])
                .select_related("order"))


# --- anomalies, reviews, verification ------------------------------------------------------

def _chunks(ids: list[int], size: int = 2000) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def detect(visits: list[Visit], now: dt.datetime) -> None:
    """Day by day: the detector loads each day's other visits of the same caregivers, so a
    chunk spanning many days would load the whole history once per chunk."""
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for v in visits:
        if v.check_in_at is not None:
            by_day[v.date].append(v.pk)
    for day in sorted(by_day):
        for chunk in _chunks(by_day[day]):
            rules.detect_for_visits(Visit.objects.filter(pk__in=chunk), now=now)


def review(ids: list[int], *, boundary: dt.date, reviewer: User | None,
           now: dt.datetime, rng: random.Random) -> None:
    """Review most anomalies of visits before ``boundary`` (last month) and some after."""
    found = []
    for chunk in _chunks(ids):
        found += Anomaly.objects.filter(visit_id__in=chunk, state=AnomalyState.OPEN) \
            .select_related("visit").order_by("pk")
    for a in found:
        if reviewer is None or rng.random() > (0.85 if a.visit.date < boundary else 0.4):
            continue
        a.state = (AnomalyState.ACCEPTED if rng.random() < ACCEPT.get(a.rule, 0.5)
                   else AnomalyState.REJECTED)
        a.reviewed_by = reviewer
        a.reviewed_at = min(now, _aware(a.visit.date, dt.time(17)) + dt.timedelta(
            days=rng.randint(1, 3)))
        a.review_note = "演示复核"
    groups: dict[tuple[str, dt.datetime], list[int]] = defaultdict(list)
    for a in found:
        if a.reviewed_by_id:
            groups[(a.state, a.reviewed_at)].append(a.pk)
    for (state, when), pks in groups.items():  # a few hundred grouped UPDATEs
        for chunk in _chunks(pks):
            Anomaly.objects.filter(pk__in=chunk).update(
                state=state, reviewed_by=reviewer, reviewed_at=when, review_note="演示复核")


def verify(ids: list[int]) -> list[int]:
    """Set each visit's review from its anomalies (as anomalies.review_refresh does);
    return the newly verified visits."""
    states: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(ids):
        for vid, state in Anomaly.objects.filter(visit_id__in=chunk).values_list("visit_id",
                                                                                 "state"):
            states[vid].add(state)
    rows = []
    for chunk in _chunks(ids):
        rows += Visit.objects.filter(pk__in=chunk).values_list("pk", "check_out_at")
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, out in rows:
        st = states.get(pk, set())
        if AnomalyState.REJECTED in st:
            groups[Review.REJECTED].append(pk)
        elif AnomalyState.OPEN in st or out is None:
            groups[Review.PENDING].append(pk)
        else:
            groups[Review.VERIFIED].append(pk)
    for review_state, pks in groups.items():
        for chunk in _chunks(pks):
            Visit.objects.filter(pk__in=chunk).update(review=review_state)
    for chunk in _chunks([pk for pk, out in rows if out is not None]):
        Order.objects.filter(visit__in=chunk).update(state=OrderState.DONE)
    return groups[Review.VERIFIED]


def spend_credit(verified: list[int]) -> int:
    """Spend lines for verified visits, only where the elder has credit in that month (the
    balance is tracked here: bulk, unlike the per-visit credit_spend_for_visit). A spend
    draws on the item's category bucket when the elder was granted one, else the general one."""
    rows = []
    for chunk in _chunks(verified):
        rows += Visit.objects.filter(pk__in=chunk, order__credit_fen__gt=0).exclude(
            has_line(VISIT_CREDIT_SOURCE, "pk")).values_list(
            "pk", "date", "order__elder_id", "order__credit_fen", "order__item__code",
            "order__item__category")
    left: dict[tuple[int, dt.date], int] = defaultdict(int)
    buckets: dict[tuple[int, dt.date], set[str]] = defaultdict(set)
    for elder, period, amount, category, kind in CreditEntry.objects.filter(
            elder_id__in={r[2] for r in rows}, unit=CreditUnit.FEN).exclude(
            kind__in=HOLD_KINDS).values_list(
            "elder_id", "period", "amount", "category", "kind"):
        left[(elder, period)] += amount
        if kind == CreditKind.GRANT:
            buckets[(elder, period)].add(category)
    lines = []
    for pk, day, elder, credit, code, category in sorted(rows, key=lambda r: (r[1], r[0])):
        key = (elder, month_start(day))
        spend = min(credit, left[key])
        if spend <= 0:
            continue
        left[key] -= spend
        lines.append(CreditEntry(
            elder_id=elder, period=key[1], unit=CreditUnit.FEN, kind=CreditKind.SPEND,
            category=category if category in buckets[key] else "", amount=-spend,
            source=VISIT_CREDIT_SOURCE, source_id=pk,
            note=f"{code} {day:%Y-%m-%d}"))
    insert(CreditEntry, with_ids(CreditEntry, lines), ["elder", "period", "unit", "category",
                                                        "kind", "amount", "source",
                                                        "source_id", "note"])
    return len(lines)


def follow_ups(ids: list[int], *, caller: User | None, now: dt.datetime,
               rng: random.Random) -> int:
    share = float(settings.HOMECARE["FOLLOW_UP_SHARE"])
    rows = []
    for chunk in _chunks(ids):
        rows += Visit.objects.filter(pk__in=chunk, state=VisitState.DONE).values_list(
            "pk", "check_out_at").order_by("pk")
    made = []
    for pk, out in rows:
        if rng.random() >= share:
            continue
        when = out + dt.timedelta(days=1, hours=rng.randint(0, 6))
        if when > now or caller is None:  # sampled, the call is still to be made
            made.append(FollowUp(visit_id=pk))
            continue
        made.append(FollowUp(
            visit_id=pk, method=rng.choice([FollowUpMethod.CALL, FollowUpMethod.RATING]),
            rating=rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 10, 4, 1])[0],
            comment=rng.choice(COMMENTS), recorded_by=caller, recorded_at=when))
    insert(FollowUp, with_ids(FollowUp, made), ["visit", "method", "rating", "comment",
                                                "recorded_by", "recorded_at"])
    return len(made)


# --- settlement and the step ---------------------------------------------------------------

def settle(period: dt.date, now: dt.datetime, stdout: Any) -> int:
    officer, approver = _user("district_officer"), _user("city_admin")
    if officer is None or approver is None:
        stdout.write("    no demo officers: settlement skipped")
        return 0
    providers = set(Visit.objects.filter(date__gte=period, date__lt=next_month(period),
                                         state=VisitState.DONE)
                    .values_list("provider_id", flat=True).distinct())
    providers -= set(Settlement.objects.filter(period=period).values_list("provider_id",
                                                                           flat=True))
    for provider in sorted(providers):
        s = settlement_compute(actor=officer, provider=provider, period=period, now=now)
        settlement_approve(actor=approver, settlement_id=s.pk, now=now)
    return len(providers)


def seed(seed: int, stdout: Any, *, today: dt.date | None = None,
         now: dt.datetime | None = None) -> None:
    started = time.monotonic()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    this_month = month_start(today)
    first = previous_month(today)
    rng = random.Random(seed * 7919 + 5)
    with transaction.atomic():
        existing = unlived(first, today)
        created = materialise_past(first, today)
        live(existing + created, rng)
        update(existing, LIVED_FIELDS)
        insert(Visit, with_ids(Visit, created), ["order", "provider", "date", *LIVED_FIELDS])
        ids = sorted(v.pk for v in existing + created)
        detect(existing + created, now)
        review(ids, boundary=this_month, reviewer=_user("district_officer"),
               now=now, rng=rng)
        verified = verify(ids)
        spent = spend_credit(verified)
        sampled = follow_ups(ids, caller=_user("hotline", "district_officer"), now=now, rng=rng)
    settled = settle(first, now, stdout)
    stdout.write(f"    visits: {len(created)} past orders created, {len(ids)} lived, "
                 f"{len(verified)} verified, {spent} credit spends, {sampled} follow-ups, "
                 f"{settled} settlements for {first:%Y-%m} "
                 f"({time.monotonic() - started:.1f} s)")
