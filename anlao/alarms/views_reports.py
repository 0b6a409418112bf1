"""Device list (offline ones first) and response-time statistics per street."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anlao.alarms import selectors
from anlao.core.roles import has_perm

PERIODS = (7, 30, 90)


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "alarm.view"):
        raise DjangoPermissionDenied
    now = timezone.now()
    offline_only = request.GET.get("offline") == "1"
    qs = selectors.devices_for(request.user, offline_only=offline_only, now=now)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    cutoff = selectors.offline_before(now)
    page.object_list = list(page.object_list)
    for d in page.object_list:
        d.offline = d.is_active and (d.last_heartbeat_at is None or d.last_heartbeat_at < cutoff)
    context = {
        "nav": "alarms", "tab": "devices", "page": page, "offline_only": offline_only,
        "offline_count": selectors.devices_for(request.user, offline_only=True,
                                               now=now).count(),
        "heartbeat_minutes": settings.ALARMS["HEARTBEAT_MINUTES"],
        "query": "offline=1" if offline_only else "",
        "can_handle": has_perm(request.user, "alarm.handle"),
    }
    return render(request, "alarms/devices.html", context)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "alarm.view"):
        raise DjangoPermissionDenied
    days = int(request.GET.get("days", "30")) if request.GET.get("days", "30").isdigit() else 30
    days = days if days in PERIODS else 30
    since = timezone.now() - dt.timedelta(days=days)
    rows = selectors.response_stats(request.user, since)
    context = {"nav": "alarms", "tab": "stats", "streets": rows[:-1], "total": rows[-1],
               "days": days, "periods": PERIODS, "since": since,
               "ack_minutes": selectors.ack_minutes(),
               "can_handle": has_perm(request.user, "alarm.handle")}
    return render(request, "alarms/stats.html", context)
