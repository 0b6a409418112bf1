"""Presentation of a dispatch day: times as text, timeline bars, map data and the page's JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.homecare.dispatch.build import (
    elder_point,
    seconds_since_midnight,
)
from anlao.homecare.dispatch.selectors import DispatchDay, outline
from anlao.homecare.models import CaregiverProfile, Visit


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
