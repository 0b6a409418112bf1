"""Waitlist statistics: queue length and waiting time by facility and class; offers made and
accepted. Read from the cached status and the log (both written by the services)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils import timezone

from anlao.waitlist.models import ACTIVE_STATUSES, WaitlistApplication, WaitlistEvent


def queue_lengths(facility_ids: list[int]) -> dict[int, int]:
    rows = (WaitlistApplication.objects.filter(facility_id__in=facility_ids,
                                               status__in=ACTIVE_STATUSES)
            .values("facility_id").annotate(n=Count("id")))
    return {r["facility_id"]: r["n"] for r in rows}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def waitlist_stats(facility_ids: list[int], now: dt.datetime | None = None
                   ) -> dict[tuple[int, str], dict[str, Any]]:
    """Per (facility, class): waiting now, median days waited so far, admitted, median days
    from application to admission, offers made, accepted, declined, lapsed."""
    now = now or timezone.now()
    out: dict[tuple[int, str], dict[str, Any]] = defaultdict(lambda: {
        "waiting": 0, "wait_days": [], "admitted": 0, "admit_days": [], "offered": 0,
        "accepted": 0, "declined": 0, "lapsed": 0})
    apps = {a["id"]: a for a in WaitlistApplication.objects.filter(
        facility_id__in=facility_ids).values("id", "facility_id", "class_code", "status",
                                             "applied_at")}
    for a in apps.values():
        row = out[(a["facility_id"], a["class_code"])]
        if a["status"] in ACTIVE_STATUSES:
            row["waiting"] += 1
            row["wait_days"].append((now - a["applied_at"]).total_seconds() / 86400)
    events = WaitlistEvent.objects.filter(
        facility_id__in=facility_ids,
        kind__in=("offered", "accepted", "declined", "lapsed", "admitted"),
    ).values_list("application_id", "kind", "at")
    for app_id, kind, at in events:
        a = apps[app_id]
        row = out[(a["facility_id"], a["class_code"])]
        if kind == "admitted":
            row["admitted"] += 1
            row["admit_days"].append((at - a["applied_at"]).total_seconds() / 86400)
        else:
            row[kind] += 1
    for row in out.values():
        row["median_wait"] = _median(row.pop("wait_days"))
        row["median_admit"] = _median(row.pop("admit_days"))
    return dict(out)
