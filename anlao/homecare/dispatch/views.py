"""The dispatcher's page: a provider's day on a map and a timeline, pin / unpin / move, re-plan.

Plain POST forms that redirect back to the day (works without JavaScript, on any phone).
Reads go through ``selectors`` (shaped by ``present``), writes through ``services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.roles import has_perm
from anlao.homecare.dispatch import present, selectors, services


def _require(request: HttpRequest) -> None:
    if not has_perm(request.user, "dispatch.manage"):
        raise DjangoPermissionDenied


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return timezone.localdate()


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat((value or "").strip()) if (value or "").strip() else None
    except ValueError:
        return None


def _back(day: dt.date, anchor: str = "") -> HttpResponse:
    url = f"{reverse('homecare:dispatch')}?date={day.isoformat()}"
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _context(request: HttpRequest, day: dt.date) -> dict[str, Any]:
    with service_errors_as_http():
        data = selectors.dispatch_day(actor=request.user, day=day)
    today = timezone.localdate()
    working = [r.profile for r in data.routes if r.shift]
    return {
        "nav": "homecare", "day": data, "date": day, "is_past": day < today,
        "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1), "today": today,
        "travel": present.duration_text(data.plan.travel_seconds) if data.plan else "",
        "timeline": present.timeline_rows(data),
        "ticks": present.axis_ticks(data.axis), "working": working,
        "idle": [r for r in data.routes if r.shift and not r.visits],
        "unassigned": [(v, present.reason_text(v)) for v in data.unassigned],
        "map_data": present.map_data(data),
    }


@login_required
def dispatch_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(request, "homecare/dispatch.html",
                  _context(request, _day(request.GET.get("date"))))


@login_required
def dispatch_json(request: HttpRequest) -> JsonResponse:
    _require(request)
    with service_errors_as_http():
        data = selectors.dispatch_day(actor=request.user, day=_day(request.GET.get("date")))
    return JsonResponse(present.day_json(data))


def _act(request: HttpRequest, day: dt.date, anchor: str, done: str,
         call: Callable[[], Any]) -> HttpResponse:
    """Run one service call; its refusal becomes a message, never a half-done change."""
    with service_errors_as_http():
        try:
            call()
        except (NotFound, PermissionDenied):
            raise  # → 404 / 403
        except ServiceError as exc:
            # no anchor: the refusal is shown at the top of the page, where it is seen
            messages.error(request, error_text(exc))
            return _back(day)
    messages.success(request, done)
    return _back(day, anchor)


@login_required
@require_POST
def dispatch_replan(request: HttpRequest) -> HttpResponse:
    _require(request)
    day = _day(request.POST.get("date"))
    with service_errors_as_http():
        provider = selectors.provider_of(actor=request.user)
    return _act(request, day, "", _("The day was re-planned; pinned visits stayed."),
                lambda: services.dispatch_plan_day(actor=request.user, provider=provider,
                                                   date=day))


def _visit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require(request)
    day = _day(request.POST.get("date"))
    version = _int(request.POST.get("version"))
    if version is None:
        messages.error(request, _("This visit was changed by someone else; reload."))
        return _back(day)
    anchor = f"visit-{pk}"
    if action == "pin":
        return _act(request, day, anchor, _("Visit pinned."), lambda: services.visit_pin(
            actor=request.user, visit_id=pk, version=version))
    if action == "unpin":
        return _act(request, day, anchor, _("Visit unpinned."), lambda: services.visit_unpin(
            actor=request.user, visit_id=pk, version=version))
    caregiver = _int(request.POST.get("caregiver"))
    if caregiver is None:
        messages.error(request, _("Choose a caregiver to move the visit to."))
        return _back(day)
    start = _time(request.POST.get("start"))
    if request.POST.get("start", "").strip() and start is None:
        messages.error(request, _("Enter the start time as HH:MM."))
        return _back(day)
    return _act(request, day, anchor, _("Visit moved and the day re-planned."),
                lambda: services.visit_move(actor=request.user, visit_id=pk, version=version,
                                            caregiver_id=caregiver, start=start))


@login_required
@require_POST
def visit_pin(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_action(request, pk, "pin")


@login_required
@require_POST
def visit_unpin(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_action(request, pk, "unpin")


@login_required
@require_POST
def visit_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_action(request, pk, "move")
