"""From a provider's day in the database to the routing core's ``Instance`` (and back to times).

Job ids are ``Visit`` primary keys and vehicle ids ``CaregiverProfile`` primary keys, so a
``Plan`` maps straight back onto rows. Times are seconds from local midnight (Asia/Shanghai).
Visits that cannot even be offered to the solver (no location, window already over) get their
reason here, in ``DayInstance.pre_unassigned``; the solver explains the rest (routing/reasons.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from anlao.homecare.dispatch.routing.model import Instance, Job, Point, Vehicle
from anlao.homecare.dispatch.routing.osrm import RoadNetworkError, osrm_durations
from anlao.homecare.models import CaregiverProfile, Leave, Visit, VisitState
from anlao.workforce.models import LEVEL_RANK

log = logging.getLogger(__name__)

# Visits the dispatcher may (re)plan; done, in-progress and cancelled ones are left alone.
PLANNABLE = (VisitState.UNASSIGNED, VisitState.ASSIGNED, VisitState.MISSED)
# How far back "the caregiver the elder had before" is looked up.
PREFERRED_LOOKBACK_DAYS = 90

# Stored in English (translated when shown), so they are marked, not translated, here.
NO_LOCATION = gettext_noop("The elder's home has no map location.")
WINDOW_PASSED = gettext_noop("The visit's time window has already passed.")


@dataclass
class DayInstance:
    instance: Instance
    visits: dict[int, Visit]  # every plannable visit of the day, by id
    profiles: dict[int, CaregiverProfile]  # caregivers working that day, by id
    pre_unassigned: dict[int, str] = field(default_factory=dict)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def seconds_of(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def at_seconds(day: dt.date, seconds: int) -> dt.datetime:
    """An aware datetime ``seconds`` after local midnight of ``day``."""
    return local_midnight(day) + dt.timedelta(seconds=seconds)


def seconds_since_midnight(day: dt.date, moment: dt.datetime) -> int:
    return int((moment - local_midnight(day)).total_seconds())


def _hhmm(value: str) -> int:
    hours, minutes = value.split(":")[:2]
    return int(hours) * 3600 + int(minutes) * 60


def shift_of(profile: CaregiverProfile, day: dt.date) -> tuple[int, int] | None:
    """The caregiver's working time on ``day``'s weekday, or None when not working."""
    hours = (profile.working_hours or {}).get(str(day.weekday()))
    if not hours or len(hours) != 2:
        return None
    try:
        start, end = _hhmm(hours[0]), _hhmm(hours[1])
    except (ValueError, AttributeError):
        return None  # a malformed entry means "not scheduled", never a crash at dispatch time
    return (start, end) if end > start else None


def level_tags(level: str) -> set[str]:
    """A caregiver of a level holds every lower level too (level1 outranks level5)."""
    rank = LEVEL_RANK.get(level, 0)
    return {f"level:{code}" for code, r in LEVEL_RANK.items() if r <= rank}


def caregiver_skills(profile: CaregiverProfile) -> frozenset[str]:
    return frozenset({str(s) for s in (profile.skills or [])} | level_tags(profile.level))


def job_skills(visit: Visit) -> frozenset[str]:
    item = visit.order.item
    tags = {item.required_skill} if item.required_skill else set()
    if item.min_level:
        tags.add(f"level:{item.min_level}")
    return frozenset(tags)


def working_profiles(provider: Any, day: dt.date) -> dict[int, CaregiverProfile]:
    """Active caregivers of the provider scheduled on ``day``'s weekday and not on leave."""
    on_leave = Leave.objects.filter(start__lte=day, end__gte=day).values("profile_id")
    qs = (CaregiverProfile.objects.filter(provider=provider, is_active=True,
                                          caregiver__is_active=True)
          .exclude(pk__in=on_leave).select_related("caregiver"))
    return {p.pk: p for p in qs if shift_of(p, day) is not None}


def day_visits(provider: Any, day: dt.date) -> dict[int, Visit]:
    qs = (Visit.objects.filter(provider=provider, date=day, state__in=PLANNABLE)
          .exclude(order__state="cancelled")
          .select_related("order__item", "order__elder__residence_area", "caregiver__caregiver")
          .order_by("id"))
    return {v.pk: v for v in qs}


def previous_caregivers(elder_ids: set[int], day: dt.date) -> dict[int, int]:
    """elder id → the caregiver profile of that elder's latest earlier visit."""
    rows = (Visit.objects.filter(order__elder_id__in=elder_ids, date__lt=day,
                                 date__gte=day - dt.timedelta(days=PREFERRED_LOOKBACK_DAYS),
                                 caregiver__isnull=False)
            .filter(Q(state=VisitState.DONE) | Q(state=VisitState.ASSIGNED)
                    | Q(state=VisitState.IN_PROGRESS))
            .order_by("order__elder_id", "-date", "-id")
            .values_list("order__elder_id", "caregiver_id"))
    found: dict[int, int] = {}
    for elder_id, caregiver_id in rows:
        found.setdefault(elder_id, caregiver_id)
    return found


def elder_point(visit: Visit) -> Point | None:
    elder = visit.order.elder
    if elder.lat is not None and elder.lng is not None:
        return Point(elder.lat, elder.lng)
    area = elder.residence_area  # the community's centre is better than nothing
    if area is not None and area.lat is not None and area.lng is not None:
        return Point(area.lat, area.lng)
    return None


def busy_until(provider: Any, day: dt.date) -> dict[int, tuple[int, Point | None]]:
    """caregiver profile → (seconds, place) when and where their started or finished visits
    of the day leave them free: a same-day re-plan must not send them elsewhere meanwhile."""
    rows = (Visit.objects.filter(provider=provider, date=day, caregiver__isnull=False,
                                 state__in=(VisitState.IN_PROGRESS, VisitState.DONE),
                                 check_in_at__isnull=False)
            .select_related("order__elder__residence_area"))
    found: dict[int, tuple[int, Point | None]] = {}
    for v in rows:
        end = v.check_out_at or v.check_in_at + dt.timedelta(minutes=v.order.minutes)
        free = seconds_since_midnight(day, end)
        if free > found.get(v.caregiver_id, (-1, None))[0]:
            found[v.caregiver_id] = (free, elder_point(v))
    return found


def _vehicle(p: CaregiverProfile, day: dt.date, not_before: int, fallback: Point,
             busy: tuple[int, Point | None] | None = None) -> Vehicle | None:
    shift = shift_of(p, day)
    free_at, here = busy or (0, None)
    not_before = max(not_before, free_at)
    if shift is None or shift[1] <= not_before:
        return None
    home = Point(p.home_lat, p.home_lng) \
        if p.home_lat is not None and p.home_lng is not None else None
    # without a home on file the route starts amid the day's visits and ends at the last one;
    # after a visit already started or done today it starts from that elder's home
    return Vehicle(id=p.pk, start=here or home or fallback, end=home,
                   shift=(max(shift[0], not_before), shift[1]), skills=caregiver_skills(p))


def _centre(points: list[Point]) -> Point:
    if not points:
        return Point(30.32, 120.15)  # unused: no job to reach
    return Point(sum(p.lat for p in points) / len(points), sum(p.lng for p in points) / len(points))


@dataclass
class BuildOptions:
    not_before: int = 0  # seconds from midnight; "now" when planning today
    free_start: set[int] = field(default_factory=set)  # pinned visits whose time is open


def _job(v: Visit, point: Point, opts: BuildOptions, preferred: int | None,
         vehicle_ids: set[int]) -> Job | str:
    """The visit as a job, or the reason it cannot be offered to the solver at all."""
    order = v.order
    service_s = order.minutes * 60
    if v.pinned and v.planned_start is not None and v.pk not in opts.free_start:
        # The dispatcher's time stands exactly, even outside the elder's window. It goes in as
        # a zero-width window rather than ``Job.pinned_start``: the core widens that by a
        # slack, and the earliest-start plan would then creep earlier on every re-plan.
        at = seconds_since_midnight(v.date, v.planned_start)
        windows: tuple[tuple[int, int], ...] = ((at, at),)
    else:
        opens = seconds_of(order.window_start)
        latest = max(opens, seconds_of(order.window_end) - service_s)
        if latest < opts.not_before:
            return WINDOW_PASSED
        windows = ((max(opens, opts.not_before), latest),)
    return Job(id=v.pk, location=point, service_s=service_s, windows=windows,
               skills=job_skills(v), priority=100 if v.pinned else 0,
               pinned_to=v.caregiver_id if v.pinned else None,
               preferred=preferred if preferred in vehicle_ids else None)


def build_day(provider: Any, day: dt.date, opts: BuildOptions | None = None) -> DayInstance:
    """Everything the solver needs for one provider's day, read in a handful of queries."""
    opts = opts or BuildOptions()
    visits = day_visits(provider, day)
    profiles = working_profiles(provider, day)
    points = {pk: elder_point(v) for pk, v in visits.items()}
    fallback = _centre([p for p in points.values() if p is not None])
    busy = busy_until(provider, day)
    vehicles = [v for p in profiles.values()
                if (v := _vehicle(p, day, opts.not_before, fallback, busy.get(p.pk)))]
    vehicle_ids = {v.id for v in vehicles}
    before = previous_caregivers({v.order.elder_id for v in visits.values()}, day)
    jobs: list[Job] = []
    pre: dict[int, str] = {}
    for pk, v in visits.items():
        point = points[pk]
        built = _job(v, point, opts, before.get(v.order.elder_id), vehicle_ids) \
            if point else NO_LOCATION
        if isinstance(built, str):
            pre[pk] = built
        else:
            jobs.append(built)
    cfg = settings.HOMECARE
    instance = Instance(jobs=jobs, vehicles=vehicles, detour_factor=cfg["DETOUR_FACTOR"],
                        speed_kmh=cfg["SPEED_KMH"])
    if cfg.get("ROAD_NETWORK_URL") and jobs:
        _road_network(instance, cfg)
    return DayInstance(instance, visits, profiles, pre)


def _road_network(instance: Instance, cfg: dict[str, Any]) -> None:
    """Travel times from the configured road network; straight lines when it cannot answer
    (the dispatcher still gets a plan; the log says why)."""
    points = list(dict.fromkeys(
        [j.location for j in instance.jobs]
        + [p for v in instance.vehicles for p in (v.start, v.end) if p is not None]))
    try:
        instance.durations = osrm_durations(cfg["ROAD_NETWORK_URL"], points,
                                            profile=cfg.get("ROAD_NETWORK_PROFILE", "driving"))
    except RoadNetworkError:
        log.warning("road network failed; planning with straight lines", exc_info=True)
        return
    instance.locations = points
