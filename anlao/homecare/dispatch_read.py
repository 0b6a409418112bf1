"""Reads for the dispatcher: one provider's day as routes, timeline rows, unassigned visits and
map data. Always the actor's own provider (``check_provider``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from anlao.areas.models import Area, AreaLevel
from anlao.core.errors import NotFound
from anlao.homecare.dispatch import check_provider
from anlao.homecare.dispatch_build import (
    elder_point,
    seconds_since_midnight,
    shift_of,
    working_profiles,
)
from anlao.homecare.models import CaregiverProfile, DispatchPlan, Visit, VisitState

# Distinct on white and for common colour blindness (Okabe–Ito first, then Tableau).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F", "#BCBD22", "#17BECF", "#1F3A93", "#A61E4D"]
RING_M = 700  # a street drawn as a ring of this radius until real boundaries are loaded
# Skill tags are free lower-case words (catalog rule); the common ones read in the UI language.
SKILL_LABELS = {"bathing": _lazy("bathing"), "nursing": _lazy("nursing"),
                "escort": _lazy("escort")}


@dataclass
class RouteRow:
    profile: CaregiverProfile
    colour: str
    shift: tuple[int, int] | None
    visits: list[Visit] = field(default_factory=list)
    travel_s: int = 0

    @property
    def skills(self) -> str:
        return ", ".join(str(SKILL_LABELS.get(t, t)) for t in self.profile.skills or [])


@dataclass
class DispatchDay:
    provider: Any
    date: dt.date
    plan: DispatchPlan | None
    routes: list[RouteRow]
    unassigned: list[Visit]
    others: list[Visit]  # done / in progress: shown, not dispatchable
    axis: tuple[int, int]  # timeline span, seconds from midnight

    @property
    def total(self) -> int:
        return sum(len(r.visits) for r in self.routes) + len(self.unassigned) + len(self.others)

    @property
    def served(self) -> int:
        return sum(len(r.visits) for r in self.routes)


def colour(i: int) -> str:
    """The palette first, then hues spread by the golden angle (large teams)."""
    if i < len(PALETTE):
        return PALETTE[i]
    return f"hsl({(i * 137.508) % 360:.0f}, 65%, 42%)"


def provider_of(actor: Any) -> Any:
    """The dispatcher's own provider (there is no picking another one)."""
    provider = getattr(actor, "organisation", None)
    if provider is None:
        raise NotFound(_("No such provider."))
    check_provider(actor, provider)
    return provider


def _visits(provider: Any, day: dt.date) -> list[Visit]:
    return list(Visit.objects.filter(provider=provider, date=day)
                .exclude(state=VisitState.CANCELLED)
                .select_related("order__item", "order__elder__residence_area",
                                "caregiver__caregiver")
                .order_by("caregiver_id", "sequence", "order__window_start", "id"))


def dispatch_day(actor: Any, day: dt.date) -> DispatchDay:
    provider = provider_of(actor)
    visits = _visits(provider, day)
    working = working_profiles(provider, day)
    profiles = dict(working)
    for v in visits:  # someone with visits but now off (leave) still shows, with their visits
        if v.caregiver_id and v.state != VisitState.UNASSIGNED:
            profiles.setdefault(v.caregiver_id, v.caregiver)
    ordered = sorted(profiles.values(), key=lambda p: (p.caregiver.name, p.pk))
    routes = {p.pk: RouteRow(p, colour(i), shift_of(p, day) if p.pk in working else None)
              for i, p in enumerate(ordered)}
    unassigned, others = [], []
    for v in visits:
        if v.state == VisitState.UNASSIGNED or v.caregiver_id is None:
            unassigned.append(v)
        elif v.state == VisitState.ASSIGNED:
            v.travel_min = round(v.travel_seconds / 60)  # type: ignore[attr-defined]
            routes[v.caregiver_id].visits.append(v)
            routes[v.caregiver_id].travel_s += v.travel_seconds
        else:
            others.append(v)
    plan = DispatchPlan.objects.filter(provider=provider, date=day).first()
    rows = list(routes.values())
    return DispatchDay(provider, day, plan, rows, unassigned, others, _axis(rows, day))


def _axis(rows: list[RouteRow], day: dt.date) -> tuple[int, int]:
    """Whole hours covering every shift and planned visit; 08:00–18:00 when there is none."""
    lo, hi = [8 * 3600], [18 * 3600]
    for r in rows:
        if r.shift:
            lo.append(r.shift[0])
            hi.append(r.shift[1])
        for v in r.visits:
            if v.planned_start and v.planned_end:
                lo.append(seconds_since_midnight(day, v.planned_start))
                hi.append(seconds_since_midnight(day, v.planned_end))
    start, end = min(lo) // 3600 * 3600, -(-max(hi) // 3600) * 3600
    return max(0, start), min(24 * 3600, max(end, start + 3600))


def percent(seconds: int, axis: tuple[int, int]) -> float:
    """Position on the timeline in percent (for inline ``left``/``width`` styles)."""
    return round(100 * (seconds - axis[0]) / (axis[1] - axis[0]), 2)


def reason_text(visit: Visit) -> str:
    """Reasons are stored in English (the routing core's source strings); shown translated."""
    return _(visit.unassigned_reason) if visit.unassigned_reason else \
        _("Not planned yet: press Re-plan.")


def window_text(visit: Visit) -> str:
    return f"{visit.order.window_start:%H:%M}–{visit.order.window_end:%H:%M}"


def local_hm(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def hm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def duration_text(seconds: int) -> str:
    hours, minutes = seconds // 3600, round(seconds % 3600 / 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


# --- the map --------------------------------------------------------------------------------

def _ring(lat: float, lng: float, radius_m: float = RING_M, sides: int = 32) -> list[list[float]]:
    """A closed GeoJSON ring ([lng, lat] pairs) approximating a circle."""
    dlat = radius_m / 111_320
    dlng = radius_m / (111_320 * math.cos(math.radians(lat)))
    ring = [[round(lng + dlng * math.cos(2 * math.pi * k / sides), 6),
             round(lat + dlat * math.sin(2 * math.pi * k / sides), 6)] for k in range(sides)]
    return [*ring, ring[0]]


def outline(provider: Any, visits: list[Visit]) -> dict[str, Any]:
    """GeoJSON of the streets the provider serves (contracts, else where its elders live).

    No boundary polygons ship with the area tree yet, so each street is the facilities map's
    ring around its centre; a real boundary file can replace these features one for one.
    """
    streets = Area.objects.current().filter(level=AreaLevel.STREET,
                                            homecare_contracts__provider=provider).distinct()
    if not streets.exists():
        parents = {v.order.elder.residence_area.parent_id for v in visits
                   if v.order.elder.residence_area}
        streets = Area.objects.current().filter(level=AreaLevel.STREET, pk__in=parents)
    features = [{"type": "Feature", "properties": {"name": s.name},
                 "geometry": {"type": "Polygon", "coordinates": [_ring(s.lat, s.lng)]}}
                for s in streets if s.lat is not None and s.lng is not None]
    return {"type": "FeatureCollection", "features": features}


def _home(p: CaregiverProfile) -> list[float] | None:
    return [p.home_lat, p.home_lng] if p.home_lat is not None and p.home_lng is not None else None


def _stop(v: Visit) -> dict[str, Any] | None:
    point = elder_point(v)
    if point is None:
        return None
    return {"id": v.pk, "lat": point.lat, "lng": point.lng, "seq": v.sequence,
            "elder": v.order.elder.name, "item": v.order.item.name,
            "time": local_hm(v.planned_start), "pinned": v.pinned}


def map_data(day: DispatchDay) -> dict[str, Any]:
    routes = []
    for r in day.routes:
        stops = [s for s in (_stop(v) for v in r.visits) if s]
        home = _home(r.profile)
        line = ([home] if home else []) + [[s["lat"], s["lng"]] for s in stops] + \
            ([home] if home and stops else [])
        routes.append({"name": r.profile.caregiver.name, "colour": r.colour, "home": home,
                       "line": line, "stops": stops})
    loose = [s for s in (_stop(v) for v in day.unassigned) if s]
    every = [v for r in day.routes for v in r.visits] + day.unassigned + day.others
    return {"tile_url": settings.MAP_TILE_URL, "outline": outline(day.provider, every),
            "routes": routes, "unassigned": loose,
            "labels": {"home": _("home"), "unassigned": _("not assigned"),
                       "pinned": _("pinned")}}


def day_json(day: DispatchDay) -> dict[str, Any]:
    """The day as plain data (the page's JSON endpoint)."""
    def visit(v: Visit) -> dict[str, Any]:
        return {"id": v.pk, "version": v.version, "elder": v.order.elder.name,
                "item": v.order.item.name, "window": window_text(v), "sequence": v.sequence,
                "start": local_hm(v.planned_start), "end": local_hm(v.planned_end),
                "travel_seconds": v.travel_seconds, "pinned": v.pinned, "state": v.state}

    plan = day.plan
    return {
        "date": day.date.isoformat(),
        "kpi": {"visits": day.total, "served": day.served, "unassigned": len(day.unassigned),
                "travel_seconds": plan.travel_seconds if plan else 0,
                "solve_ms": plan.solve_ms if plan else None,
                "computed_at": plan.computed_at.isoformat() if plan and plan.computed_at
                else None},
        "routes": [{"caregiver": r.profile.pk, "name": r.profile.caregiver.name,
                    "colour": r.colour, "shift": [hm(r.shift[0]), hm(r.shift[1])]
                    if r.shift else None, "visits": [visit(v) for v in r.visits]}
                   for r in day.routes],
        "unassigned": [{**visit(v), "reason": reason_text(v)} for v in day.unassigned],
    }


def timeline_rows(day: DispatchDay) -> list[dict[str, Any]]:
    """Per caregiver: the shift and each visit as positioned bars (percent of the axis)."""
    axis, rows = day.axis, []
    for r in day.routes:
        bars = []
        for v in r.visits:
            if not (v.planned_start and v.planned_end):
                continue
            s = seconds_since_midnight(day.date, v.planned_start)
            e = seconds_since_midnight(day.date, v.planned_end)
            bars.append({"v": v, "left": percent(s, axis), "width": max(0.6, percent(e, axis)
                                                                         - percent(s, axis)),
                         "label": f"{local_hm(v.planned_start)} {v.order.elder.name}"})
        shift = {"left": percent(r.shift[0], axis),
                 "width": percent(r.shift[1], axis) - percent(r.shift[0], axis)} \
            if r.shift else None
        rows.append({"route": r, "bars": bars, "shift": shift})
    return rows


def axis_ticks(axis: tuple[int, int]) -> list[dict[str, Any]]:
    step = 3600 if axis[1] - axis[0] <= 12 * 3600 else 7200
    return [{"label": hm(t), "left": percent(t, axis)} for t in range(axis[0], axis[1] + 1, step)]

