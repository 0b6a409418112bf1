"""Reads for the dispatcher: one provider's day as routes, unassigned visits and the streets it
serves. Always the actor's own provider (``check_provider``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from anlao.areas.models import Area, AreaLevel
from anlao.core.errors import NotFound
from anlao.core.geo import offset
from anlao.homecare.catalog.skills import skill_label
from anlao.homecare.dispatch.build import (
    seconds_since_midnight,
    shift_of,
    working_profiles,
)
from anlao.homecare.dispatch.services import check_provider
from anlao.homecare.models import CaregiverProfile, DispatchPlan, Visit, VisitState

# Distinct on white and for common colour blindness (Okabe–Ito first, then Tableau).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F", "#BCBD22", "#17BECF", "#1F3A93", "#A61E4D"]
RING_M = 700  # a street drawn as a ring of this radius until real boundaries are loaded


@dataclass
class RouteRow:
    profile: CaregiverProfile
    colour: str
    shift: tuple[int, int] | None
    visits: list[Visit] = field(default_factory=list)
    travel_s: int = 0

    @property
    def skills(self) -> str:
        return ", ".join(skill_label(t) for t in self.profile.skills or [])


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


def provider_of(*, actor: Any) -> Any:
    """The dispatcher's own provider (there is no picking another one)."""
    provider = getattr(actor, "organisation", None)
    if provider is None:
        raise NotFound(_("No such provider."))
    check_provider(actor=actor, provider=provider)
    return provider


def _visits(provider: Any, day: dt.date) -> list[Visit]:
    return list(Visit.objects.filter(provider=provider, date=day)
                .exclude(state=VisitState.CANCELLED)
                .select_related("order__item", "order__elder__residence_area",
                                "caregiver__caregiver")
                .order_by("caregiver_id", "sequence", "order__window_start", "id"))


def dispatch_day(*, actor: Any, day: dt.date) -> DispatchDay:
    provider = provider_of(actor=actor)
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


# --- the map --------------------------------------------------------------------------------

def _ring(lat: float, lng: float, radius_m: float = RING_M, sides: int = 32) -> list[list[float]]:
    """A closed GeoJSON ring ([lng, lat] pairs) approximating a circle."""
    points = [offset(lat, lng, radius_m * math.sin(2 * math.pi * k / sides),
                     radius_m * math.cos(2 * math.pi * k / sides)) for k in range(sides)]
    ring = [[round(p_lng, 6), round(p_lat, 6)] for p_lat, p_lng in points]
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
