"""Demo waitlists: about six months of events for every public care home.

Applicants are drawn from active elders likely to apply (disabled, demented, 80+ or in
extreme poverty), deterministic with the seed. The months are simulated day by day with the
same pure queue function the app uses: beds free up a few times a week, each goes to the first
waiting applicant of its category, who accepts (~70%), declines (~15%) or lets it lapse (~15%);
~6% of applicants withdraw. Events are bulk-inserted in time order, so the log replays to the
simulated queue. Accepted applicants get a Stay (the bed that freed up is theirs).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anlao.assessments.models import Assessment
from anlao.facilities.models import Room, Stay
from anlao.people.models import Elder, ElderStatus
from anlao.waitlist import queue as q
from anlao.waitlist.classes import elder_facts
from anlao.waitlist.models import WaitlistApplication, WaitlistEvent
from anlao.waitlist.policy import classify, load_policy
from anlao.waitlist.selectors import public_care_homes
from anlao.waitlist.workdays import load_calendar

DAYS = 182                 # about six months of history ASSUMPTION
APPS_PER_1000_ELDERS = 3   # applications per home per 1,000 elders ASSUMPTION
MIN_APPS, MAX_APPS = 60, 200
BEDS_PER_WEEK = 0.8        # beds freeing up per home per week ASSUMPTION
ACCEPT, DECLINE = 0.70, 0.15  # the rest lapse ASSUMPTION
WITHDRAW = 0.06            # ASSUMPTION


def seed(seed: int, stdout: Any) -> None:
    started = time.perf_counter()
    homes = list(public_care_homes())
    if not homes:
        stdout.write("  waitlist: no public care home in the demo world; skipped")
        return
    rng = random.Random(seed * 104729 + 9)
    today = timezone.localdate()
    pool = _candidates(rng, today)
    n_apps = n_events = 0
    with transaction.atomic():
        WaitlistEvent.objects.all().delete()
        WaitlistApplication.objects.all().delete()
        per_home = max(MIN_APPS, min(MAX_APPS, round(
            Elder.objects.filter(status=ElderStatus.ACTIVE).count() * APPS_PER_1000_ELDERS
            / 1000)))
        for home in homes:
            chosen, pool = pool[:per_home], pool[per_home:]
            a, e = _simulate(rng, home, chosen, today)
            n_apps, n_events = n_apps + a, n_events + e
    stdout.write(f"  waitlist: {n_apps:,} applications, {n_events:,} events at {len(homes)} "
                 f"public care homes in {time.perf_counter() - started:.1f} s")


def _candidates(rng: random.Random, today: dt.date) -> list[Elder]:
    open_stays = Stay.objects.filter(discharged_on__isnull=True).values("elder_id")
    qs = (Elder.objects.filter(status=ElderStatus.ACTIVE)
          .filter(Q(ability_level__gte=1) | Q(extreme_poverty=True)
                  | Q(birth_date__lte=today.replace(year=today.year - 80)))
          .exclude(id__in=open_stays).order_by("id")
          .only("id", "birth_date", "ability_level", "disability_grade", "extreme_poverty",
                "dibao", "near_dibao", "bereaved_one_child_family", "entitled_veteran"))
    # Elders of the priority groups are over-represented among applicants (they are whom
    # public homes are for), so every class shows up in the demo queues.
    special = Q(extreme_poverty=True) | Q(dibao=True) | Q(near_dibao=True) | Q(
        bereaved_one_child_family=True) | Q(entitled_veteran=True) | Q(disability_grade__lte=2)
    first = list(qs.filter(special).values_list("id", flat=True))
    rest = list(qs.exclude(special).values_list("id", flat=True))
    want = MAX_APPS * 4
    picked = set(rng.sample(first, min(len(first), want * 2 // 5)))
    picked |= set(rng.sample(rest, min(len(rest), want - len(picked))))
    elders = [e for e in qs.filter(id__in=picked)]
    rng.shuffle(elders)
    return elders


def _simulate(rng: random.Random, home: Any, elders: list[Elder], today: dt.date
              ) -> tuple[int, int]:
    policy, cal = load_policy(), load_calendar()
    tz = timezone.get_current_timezone()
    start = today - dt.timedelta(days=DAYS)
    demented = set(Assessment.objects.filter(elder__in=elders, is_current=True, dementia=True)
                   .values_list("elder_id", flat=True))
    apps: list[WaitlistApplication] = []
    for e in elders:
        day = start + dt.timedelta(days=rng.randrange(DAYS - 3))
        at = dt.datetime.combine(day, dt.time(8 + rng.randrange(9), rng.randrange(60)), tz)
        bed = "nursing" if (e.ability_level or 0) >= 2 or e.pk in demented else "general"
        code, rule = classify(policy, elder_facts(e, on=day, demented=e.pk in demented))
        app = WaitlistApplication(facility=home, elder=e, bed_category=bed, applied_at=at,
                                  class_code=code)
        app.rule = rule or {}  # carried to the class_set event, as the service writes it
        apps.append(app)
    apps.sort(key=lambda a: a.applied_at)
    WaitlistApplication.objects.bulk_create(apps)
    sim = _Sim(rng, policy, cal, apps, today)
    for offset in range(DAYS + 1):
        sim.day(start + dt.timedelta(days=offset))
    sim.write(home)
    return len(apps), len(sim.events)


class _Sim:
    """Day-by-day replay: events are appended in time order, the queue recomputed from them."""

    def __init__(self, rng, policy, cal, apps, today) -> None:
        self.rng, self.policy, self.cal, self.today = rng, policy, cal, today
        self.apps = {a.pk: a for a in apps}
        self.events: list[q.Event] = []
        self.pending: dict[int, tuple[dt.date, str]] = {}  # app → (day, outcome) of an offer
        self.withdraw_on = {a.pk: a.applied_at.date() + dt.timedelta(days=rng.randrange(5, 120))
                            for a in apps if rng.random() < WITHDRAW}

    def add(self, kind: str, app_id: int, at: dt.datetime, **data: Any) -> None:
        self.events.append(q.Event(len(self.events) + 1, kind, app_id, at, data))

    def at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0), timezone.get_current_timezone())

    def day(self, day: dt.date) -> None:
        for a in self.apps.values():
            if a.applied_at.date() == day:
                self.add(q.APPLIED, a.pk, a.applied_at, bed_category=a.bed_category)
                self.add(q.CLASS_SET, a.pk, a.applied_at, rule=a.rule,
                         policy=self.policy.id, **{"class": a.class_code})
        self._resolve(day)
        state = q.replay(self.events, self.policy)
        for app_id, when in self.withdraw_on.items():
            if when == day and app_id in state and state[app_id].status == q.WAITING:
                self.add(q.WITHDRAWN, app_id, self.at(day, 10), reason="family decided")
        if self.cal.is_working_day(day) and self.rng.random() < BEDS_PER_WEEK / 5:
            self._offer(day, self.rng.choice(["nursing", "general"]))

    def _offer(self, day: dt.date, bed: str) -> None:
        first = q.first_waiting(q.compute_queue(self.events, self.policy), bed)
        if first is None:
            return
        due = self.cal.add_working_days(day, self.policy.offer_working_days)
        self.add(q.OFFERED, first.application_id, self.at(day, 11), due=due.isoformat(),
                 offered_on=day.isoformat())
        r = self.rng.random()
        outcome = "accept" if r < ACCEPT else "decline" if r < ACCEPT + DECLINE else "lapse"
        answer = day + dt.timedelta(days=self.rng.randrange(1, 5))
        self.pending[first.application_id] = (
            due + dt.timedelta(days=1) if outcome == "lapse" else answer, outcome)

    def _resolve(self, day: dt.date) -> None:
        for app_id, (when, outcome) in list(self.pending.items()):
            if when != day or day > self.today:
                continue
            del self.pending[app_id]
            if outcome == "accept":
                self.add(q.ACCEPTED, app_id, self.at(day, 14))
                self.add(q.ADMITTED, app_id, self.at(day, 15), admitted_on=day.isoformat())
            elif outcome == "decline":
                self.add(q.DECLINED, app_id, self.at(day, 14), reason="family declined")
            else:
                self.add(q.LAPSED, app_id, self.at(day, 9), reason="no answer in time")

    def write(self, home: Any) -> None:
        state = q.replay(self.events, self.policy)
        WaitlistEvent.objects.bulk_create(
            [WaitlistEvent(facility=home, application_id=e.application_id, kind=e.kind,
                           at=e.at, data=e.data) for e in self.events], batch_size=2000)
        for a in self.apps.values():
            a.status = state[a.pk].status
        WaitlistApplication.objects.bulk_update(list(self.apps.values()), ["status"])
        _admit(home, [self.apps[i] for i, e in state.items() if e.status == q.ADMITTED_STATE],
               {e.application_id: e.data["admitted_on"] for e in self.events
                if e.kind == q.ADMITTED})


def _admit(home: Any, apps: list[WaitlistApplication], days: dict[int, str]) -> None:
    rooms = {r.bed_category: r for r in Room.objects.filter(facility=home).order_by("label")}
    stays = []
    for a in apps:
        room = rooms.get(a.bed_category) or next(iter(rooms.values()), None)
        if room is None:
            continue
        stays.append(Stay(facility=home, room=room, elder_id=a.elder_id,
                          bed_category=room.bed_category,
                          admitted_on=dt.date.fromisoformat(days[a.pk])))
        if room.occupied < room.beds:  # else the freed bed was an unregistered resident's
            room.occupied += 1
    Stay.objects.bulk_create(stays)
    Room.objects.bulk_update(list(rooms.values()), ["occupied"])
