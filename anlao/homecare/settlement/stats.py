"""Home-care dashboard numbers, computed by queries from the visit records (no stored totals).

Scope: provider staff see their own provider's visits; everyone else the visits of elders
living in their jurisdiction. Definitions (also in docs/settlement.md):

* volume: done visits of the month, by service category and by the elder's street;
* on time: a visit with a planned start and a check-in is on time when the check-in is no
  later than planned start + ``HOMECARE["ON_TIME_MINUTES"]`` (default 15). Early is on time;
  visits without a planned start (never dispatched) are not in the denominator;
* anomaly rate by rule: visits with an anomaly of that rule ÷ checked-in visits of the month;
* today's map: today's visits at the elder's home, coloured by visit state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from anlao.core.periods import next_month
from anlao.core.roles import has_perm
from anlao.core.scoping import scope
from anlao.homecare.models import Anomaly, Category, Visit, VisitState
from anlao.homecare.visits.anomalies import ANOMALIES

STATE_COLOURS = {
    VisitState.UNASSIGNED: "#9e9e9e", VisitState.ASSIGNED: "#2f6db5",
    VisitState.IN_PROGRESS: "#e39b17", VisitState.DONE: "#2e8b57",
    VisitState.CANCELLED: "#bdbdbd", VisitState.MISSED: "#c0392b",
}


def on_time_minutes() -> int:
    return int(settings.HOMECARE.get("ON_TIME_MINUTES", 15))


def visits_visible(actor: Any) -> QuerySet[Visit]:
    if not has_perm(actor, "homecare.view"):
        return Visit.objects.none()
    return scope(Visit.objects.all(), actor, area="order__elder__residence_area",
                 organisation="provider")


def _month(actor: Any, period: dt.date) -> QuerySet[Visit]:
    return visits_visible(actor).filter(date__gte=period, date__lt=next_month(period))


def volume_by_category(visits: QuerySet[Visit]) -> list[dict[str, Any]]:
    counts = dict(visits.filter(state=VisitState.DONE).values_list("order__item__category")
                  .annotate(n=Count("id")).values_list("order__item__category", "n"))
    return [{"code": c, "label": str(label), "count": counts.get(c, 0)}
            for c, label in Category.choices]


def volume_by_street(visits: QuerySet[Visit]) -> list[dict[str, Any]]:
    # Elders live in a community; its parent is the street.
    rows = (visits.filter(state=VisitState.DONE)
            .values("order__elder__residence_area__parent__name")
            .annotate(n=Count("id")).order_by("-n"))
    return [{"label": r["order__elder__residence_area__parent__name"] or "—", "count": r["n"]}
            for r in rows]


def on_time(visits: QuerySet[Visit]) -> dict[str, Any]:
    limit = F("planned_start") + dt.timedelta(minutes=on_time_minutes())
    agg = (visits.filter(check_in_at__isnull=False, planned_start__isnull=False)
           .aggregate(total=Count("id"), on_time=Count("id", filter=Q(check_in_at__lte=limit))))
    total = agg["total"] or 0
    return {"total": total, "on_time": agg["on_time"] or 0, "minutes": on_time_minutes(),
            "rate": round(100 * (agg["on_time"] or 0) / total, 1) if total else None}


def anomaly_rates(visits: QuerySet[Visit]) -> dict[str, Any]:
    checked = visits.filter(check_in_at__isnull=False).count()
    rows = (Anomaly.objects.filter(visit__in=visits.values("id")).values("rule")
            .annotate(n=Count("visit", distinct=True)).order_by("-n", "rule"))
    rules = [{"rule": r["rule"], "label": ANOMALIES.title_of(r["rule"]),
              "count": r["n"],
              "rate": round(100 * r["n"] / checked, 1) if checked else None} for r in rows]
    with_any = (Anomaly.objects.filter(visit__in=visits.values("id"))
                .values("visit").distinct().count())
    return {"checked": checked, "rules": rules, "visits_with_any": with_any,
            "rate": round(100 * with_any / checked, 1) if checked else None}


def today_map(actor: Any, today: dt.date) -> dict[str, Any]:
    rows = (visits_visible(actor).filter(date=today)
            .exclude(state=VisitState.CANCELLED)
            .filter(order__elder__lat__isnull=False, order__elder__lng__isnull=False)
            .values("id", "state", "order__elder__lat", "order__elder__lng",
                    "order__item__name", "order__window_start", "caregiver__caregiver__name"))
    points = [{"id": r["id"], "state": r["state"], "lat": r["order__elder__lat"],
               "lng": r["order__elder__lng"], "item": r["order__item__name"],
               "time": r["order__window_start"].strftime("%H:%M"),
               "caregiver": r["caregiver__caregiver__name"] or ""} for r in rows]
    counts = {s: 0 for s in VisitState.values}
    for p in points:
        counts[p["state"]] += 1
    states = [{"code": s, "label": str(label), "colour": STATE_COLOURS[s], "count": counts[s]}
              for s, label in VisitState.choices if s != VisitState.CANCELLED]
    return {"points": points, "states": states}


def dashboard(actor: Any, *, period: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    visits = _month(actor, period)
    out = {"period": period, "done": visits.filter(state=VisitState.DONE).count(),
           "planned": visits.exclude(state=VisitState.CANCELLED).count(),
           "by_category": volume_by_category(visits), "by_street": volume_by_street(visits),
           "on_time": on_time(visits), "anomalies": anomaly_rates(visits),
           "map": today_map(actor, today), "alarms": alarm_block(actor, period)}
    # what the page's script draws (json_script)
    out["chart"] = {"by_category": out["by_category"], "by_street": out["by_street"],
                    "map": out["map"]}
    return out


def alarm_block(actor: Any, period: dt.date) -> dict[str, Any] | None:
    """Alarm response times (alarms raised since the month's start) from the alarms app's
    selector; None when the actor may not see alarms (the page then shows no figures)."""
    if not has_perm(actor, "alarm.view"):
        return None
    from anlao.alarms.selectors import response_stats

    since = timezone.make_aware(dt.datetime.combine(period, dt.time()))
    total = response_stats(actor=actor, since=since)[-1]
    return {"count": total.count, "open": total.open, "escalated": total.escalated,
            "ack_median": total.ack_median, "close_median": total.close_median}
