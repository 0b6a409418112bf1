"""Device list (offline ones first), registering a device, and response-time statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.alarms import selectors, services
from anlao.alarms.models import DeviceKind
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.roles import has_perm
from anlao.people.selectors import ElderFilters, elders_for

PERIODS = (7, 30, 90)


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "alarm.view"):
        raise DjangoPermissionDenied
    now = timezone.now()
    offline_only = request.GET.get("offline") == "1"
    qs = selectors.devices_for(actor=request.user, offline_only=offline_only, now=now)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    cutoff = selectors.offline_before(now)
    page.object_list = list(page.object_list)
    for d in page.object_list:
        d.offline = d.is_active and (d.last_heartbeat_at is None or d.last_heartbeat_at < cutoff)
    context = {
        "nav": "alarms", "tab": "devices", "page": page, "offline_only": offline_only,
        "offline_count": selectors.devices_for(actor=request.user, offline_only=True,
                                               now=now).count(),
        "heartbeat_minutes": settings.ALARMS["HEARTBEAT_MINUTES"],
        "query": "offline=1" if offline_only else "",
        "can_handle": has_perm(request.user, "alarm.handle"),
        "can_register": has_perm(request.user, "device.manage"),
    }
    return render(request, "alarms/devices.html", context)


def _device_context(request: HttpRequest, data: Any) -> dict[str, Any]:
    q = (data.get("q") or "").strip()
    found = (list(elders_for(actor=request.user, filters=ElderFilters(q=q))[:10])
             if len(q) >= 2 else [])
    return {"nav": "alarms", "tab": "devices", "q": q, "found": found,
            "can_handle": has_perm(request.user, "alarm.handle"),
            "partners": selectors.device_partners(), "kinds": DeviceKind.choices,
            "chosen": data.get("elder_id", ""), "partner": data.get("partner", ""),
            "kind": data.get("kind", ""), "serial": data.get("serial", "")}


@login_required
def device_new(request: HttpRequest) -> HttpResponse:
    """Find the elder in scope, then record the partner's device installed for them."""
    if not has_perm(request.user, "device.manage"):
        raise DjangoPermissionDenied
    if request.method != "POST":
        return render(request, "alarms/device_form.html", _device_context(request, request.GET))
    context = _device_context(request, request.POST)
    try:
        device = services.device_register(
            actor=request.user, partner_id=request.POST.get("partner"),
            elder_id=request.POST.get("elder_id") or None, kind=request.POST.get("kind", ""),
            serial=request.POST.get("serial", ""))
    except NotFound:
        context["errors"] = {"elder_id": [_("Choose the elder the device is installed for.")]}
    except ValidationFailed as exc:
        context["errors"] = exc.errors
    else:
        messages.success(request, _("Device %(device)s registered for %(name)s.")
                         % {"device": device, "name": device.elder.name})
        return redirect("alarms:devices")
    return render(request, "alarms/device_form.html", context, status=400)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "alarm.view"):
        raise DjangoPermissionDenied
    days = int(request.GET.get("days", "30")) if request.GET.get("days", "30").isdigit() else 30
    days = days if days in PERIODS else 30
    since = timezone.now() - dt.timedelta(days=days)
    rows = selectors.response_stats(actor=request.user, since=since)
    context = {"nav": "alarms", "tab": "stats", "streets": rows[:-1], "total": rows[-1],
               "days": days, "periods": PERIODS, "since": since,
               "ack_minutes": selectors.ack_minutes(),
               "can_handle": has_perm(request.user, "alarm.handle")}
    return render(request, "alarms/stats.html", context)
