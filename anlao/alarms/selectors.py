"""Every read of alarms and devices, scoped to the actor's jurisdiction (the elder's community)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from anlao.accounts.models import Organisation, OrganisationType
from anlao.alarms.models import (
    OPEN_STATES,
    Alarm,
    AlarmKind,
    AlarmNotice,
    AlarmState,
    Device,
)
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm
from anlao.core.scoping import scope_by_area


def ack_minutes() -> int:
    return int(settings.ALARMS["ACK_MINUTES"])


def alarms_visible(*, actor: Any) -> QuerySet[Alarm]:
    if not has_perm(actor, "alarm.view"):
        return Alarm.objects.none()
    return scope_by_area(Alarm.objects.all(), actor, "area")


def alarm_get(*, actor: Any, alarm_id: Any) -> Alarm:
    """One alarm, or ``NotFound`` — also when it exists outside the actor's scope."""
    try:
        pk = int(alarm_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("alarm not found") from exc
    alarm = (alarms_visible(actor=actor)
             .select_related("elder", "area", "area__parent", "device", "acknowledged_by")
             .filter(pk=pk).first())
    if alarm is None:
        raise NotFound("alarm not found")
    return alarm


def alarms_open(*, actor: Any) -> QuerySet[Alarm]:
    """Open alarms, most urgent first: unacknowledged before handled, SOS and falls before
    sensors, then the oldest first (it has waited longest)."""
    state_rank = Case(*[When(state=s, then=Value(i)) for i, s in enumerate(OPEN_STATES)],
                      output_field=IntegerField())
    kind_rank = Case(When(kind__in=[AlarmKind.SOS, AlarmKind.FALL], then=Value(0)),
                     default=Value(1), output_field=IntegerField())
    return (alarms_visible(actor=actor).filter(state__in=OPEN_STATES)
            .annotate(state_rank=state_rank, kind_rank=kind_rank)
            .select_related("elder", "area", "area__parent", "device")
            .order_by("state_rank", "kind_rank", "raised_at", "id"))


def alarms_recent_closed(*, actor: Any, limit: int = 20) -> list[Alarm]:
    return list(alarms_visible(actor=actor).filter(state=AlarmState.CLOSED)
                .select_related("elder", "area").order_by("-closed_at", "-id")[:limit])


def notices_for(*, actor: Any) -> QuerySet[AlarmNotice]:
    """Escalations addressed to the actor whose alarm is still open."""
    if not has_perm(actor, "alarm.view"):
        return AlarmNotice.objects.none()
    return (AlarmNotice.objects.filter(recipient_id=actor.pk, alarm__state__in=OPEN_STATES)
            .select_related("alarm", "alarm__elder", "alarm__area"))


# --- devices --------------------------------------------------------------------------------

def devices_visible(*, actor: Any) -> QuerySet[Device]:
    if not (has_perm(actor, "device.manage") or has_perm(actor, "alarm.view")):
        return Device.objects.none()
    return scope_by_area(Device.objects.all(), actor, "elder__residence_area")


def device_partners() -> QuerySet[Organisation]:
    """Partner organisations whose devices may be registered (partners are city-wide)."""
    return Organisation.objects.filter(type=OrganisationType.PARTNER).order_by("name")


def partner_get(partner_id: Any) -> Organisation | None:
    try:
        return device_partners().filter(pk=int(partner_id)).first()
    except (TypeError, ValueError):
        return None


def offline_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=int(settings.ALARMS["HEARTBEAT_MINUTES"]))


def devices_for(*, actor: Any, offline_only: bool = False,
                now: dt.datetime | None = None) -> QuerySet[Device]:
    """Devices in scope; ``offline_only``: active ones silent for HEARTBEAT_MINUTES."""
    qs = devices_visible(actor=actor).select_related("elder", "elder__residence_area", "partner")
    if offline_only:
        cutoff = offline_before(now or timezone.now())
        qs = qs.filter(is_active=True).filter(
            Q(last_heartbeat_at__lt=cutoff) | Q(last_heartbeat_at__isnull=True))
    return qs.order_by("last_heartbeat_at", "serial")


# --- response-time statistics ---------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class StreetStats:
    code: str
    name: str
    count: int = 0
    open: int = 0
    escalated: int = 0
    ack_minutes: list[float] = field(default_factory=list, repr=False)
    close_minutes: list[float] = field(default_factory=list, repr=False)

    @property
    def acknowledged(self) -> int:
        return len(self.ack_minutes)

    @property
    def closed(self) -> int:
        return len(self.close_minutes)

    def _q(self, values: list[float], q: float) -> float | None:
        v = percentile(values, q)
        return None if v is None else round(v, 1)

    @property
    def ack_median(self) -> float | None:
        return self._q(self.ack_minutes, 50)

    @property
    def ack_p90(self) -> float | None:
        return self._q(self.ack_minutes, 90)

    @property
    def close_median(self) -> float | None:
        return self._q(self.close_minutes, 50)

    @property
    def close_p90(self) -> float | None:
        return self._q(self.close_minutes, 90)


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 60)


def response_stats(*, actor: Any, since: dt.datetime) -> list[StreetStats]:
    """Per street (of the alarms' communities) in the actor's scope, alarms raised since
    ``since``: counts and median/p90 minutes to acknowledge and to close. The last row is the
    total over all streets (code ``""``)."""
    rows = (alarms_visible(actor=actor).filter(raised_at__gte=since)
            .values_list("area__parent__code", "area__parent__name", "state", "raised_at",
                         "acknowledged_at", "closed_at", "escalated_at"))
    streets: dict[str, StreetStats] = {}
    total = StreetStats(code="", name="")
    for code, name, state, raised, acked, closed, escalated in rows.iterator():
        street = streets.setdefault(code or "", StreetStats(code=code or "", name=name or ""))
        for s in (street, total):
            s.count += 1
            s.open += state != AlarmState.CLOSED
            s.escalated += escalated is not None
            if (m := _minutes(raised, acked)) is not None:
                s.ack_minutes.append(m)
            if (m := _minutes(raised, closed)) is not None:
                s.close_minutes.append(m)
    return [streets[k] for k in sorted(streets)] + [total]
