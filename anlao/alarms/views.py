"""Alarm pages: the queue (live, htmx), one alarm with its actions, and logging a call.

Devices and response-time statistics are in views_reports.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anlao.alarms import selectors, services
from anlao.alarms.models import AlarmKind, CallResult, Outcome
from anlao.alarms.responders import responders_for
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.masking import mask_address
from anlao.core.roles import has_perm
from anlao.people.selectors import ElderFilters, elders_for

HOTLINE_KINDS = [AlarmKind.SOS, AlarmKind.FALL, AlarmKind.DOOR, AlarmKind.OTHER]


def _require(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise DjangoPermissionDenied


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    return {"alarms": list(selectors.alarms_open(actor=request.user)[:200]),
            "ack_minutes": selectors.ack_minutes(), "server_now": timezone.now(),
            "can_handle": has_perm(request.user, "alarm.handle")}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request, "alarm.view")
    context = {"nav": "alarms", "tab": "queue", **_queue_context(request),
               "notices": list(selectors.notices_for(actor=request.user)),
               "closed": selectors.alarms_recent_closed(actor=request.user, limit=10)}
    return render(request, "alarms/queue.html", context)


@login_required
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The open-alarm list alone, polled by the queue page every 15 seconds."""
    _require(request, "alarm.view")
    return render(request, "alarms/_open_list.html", _queue_context(request))


def _alarm_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.alarm_get(actor=request.user, alarm_id=pk)
    except NotFound as exc:
        raise Http404 from exc


def _steps(alarm: Any) -> list[Any]:
    results, outcomes = dict(CallResult.choices), dict(Outcome.choices)
    steps = list(alarm.steps.select_related("actor"))
    for s in steps:
        s.result_label = results.get(s.detail.get("result"), "")
        s.outcome_label = outcomes.get(s.detail.get("outcome"), "")
    return steps


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "alarm.view")
    alarm = _alarm_or_404(request, pk)
    can_handle = has_perm(request.user, "alarm.handle")
    handling = can_handle and alarm.state in services.HANDLING
    contacts = list(alarm.elder.contacts.all())
    for c in contacts:
        c.field = f"contact-{c.pk}"  # the name people:reveal expects for a contact's phone
    context = {
        "nav": "alarms", "alarm": alarm, "elder": alarm.elder, "contacts": contacts,
        "masked_address": mask_address(alarm.elder.address), "steps": _steps(alarm),
        "can_handle": can_handle, "handling": handling,
        "responders": responders_for(alarm) if handling else [],
        "call_results": CallResult.choices, "outcomes": Outcome.choices,
        "ack_minutes": selectors.ack_minutes(), "server_now": timezone.now(),
    }
    return render(request, "alarms/detail.html", context)


def _act_acknowledge(request: HttpRequest, pk: int) -> Any:
    return services.alarm_acknowledge(actor=request.user, alarm_id=pk)


def _act_contact(request: HttpRequest, pk: int) -> Any:
    return services.alarm_contact(actor=request.user, alarm_id=pk,
                                  whom=request.POST.get("whom", ""),
                                  result=request.POST.get("result", ""),
                                  note=request.POST.get("note", ""))


def _act_dispatch(request: HttpRequest, pk: int) -> Any:
    return services.alarm_dispatch(actor=request.user, alarm_id=pk,
                                   responder=request.POST.get("responder", ""),
                                   note=request.POST.get("note", ""))


def _act_call_120(request: HttpRequest, pk: int) -> Any:
    return services.alarm_call_120(actor=request.user, alarm_id=pk,
                                   note=request.POST.get("note", ""))


def _act_close(request: HttpRequest, pk: int) -> Any:
    return services.alarm_close(actor=request.user, alarm_id=pk,
                                outcome=request.POST.get("outcome", ""),
                                note=request.POST.get("note", ""))


ACTIONS: dict[str, tuple[Callable[[HttpRequest, int], Any], Any]] = {
    "acknowledge": (_act_acknowledge, gettext_lazy("Alarm acknowledged.")),
    "contact": (_act_contact, gettext_lazy("Call recorded.")),
    "dispatch": (_act_dispatch, gettext_lazy("Responder dispatched.")),
    "call-120": (_act_call_120, gettext_lazy("Call to 120 recorded.")),
    "close": (_act_close, gettext_lazy("Alarm closed.")),
}


def _error_text(exc: ServiceError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One handling step; the result (or why not) comes back as a message on the detail page."""
    if action not in ACTIONS:
        raise Http404
    func, done = ACTIONS[action]
    _alarm_or_404(request, pk)  # out of scope → 404 before any permission message
    try:
        func(request, pk)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("alarms:detail", pk=pk)


# --- logging a call on the hotline ---------------------------------------------------------

def _log_context(request: HttpRequest, data: Any) -> dict[str, Any]:
    q = (data.get("q") or "").strip()
    found = (list(elders_for(actor=request.user, filters=ElderFilters(q=q))[:10])
             if len(q) >= 2 else [])
    return {"nav": "alarms", "tab": "new", "can_handle": True, "q": q, "found": found,
            "kinds": [(k.value, k.label) for k in HOTLINE_KINDS],
            "chosen": data.get("elder_id", ""), "kind": data.get("kind", "sos"),
            "note": data.get("note", ""),
            "key": data.get("idempotency_key") or uuid.uuid4().hex}


@login_required
def log_call(request: HttpRequest) -> HttpResponse:
    """Find the caller among the elders in scope, then record the alarm."""
    _require(request, "alarm.handle")
    if request.method != "POST":
        return render(request, "alarms/log_call.html", _log_context(request, request.GET))
    context = _log_context(request, request.POST)
    try:
        alarm, created = services.alarm_raise(
            actor=request.user, kind=request.POST.get("kind", ""),
            elder_id=request.POST.get("elder_id") or None, note=request.POST.get("note", ""),
            idempotency_key=request.POST.get("idempotency_key", ""))
    except NotFound:
        context["errors"] = {"elder_id": [_("Choose the elder who called.")]}
    except ValidationFailed as exc:
        context["errors"] = exc.errors
    else:
        if created:
            messages.success(request, _("Alarm recorded. Acknowledge it and start the calls."))
        return redirect("alarms:detail", pk=alarm.pk)
    return render(request, "alarms/log_call.html", context, status=400)
