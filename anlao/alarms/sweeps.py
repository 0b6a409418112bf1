"""The periodic checks: escalation of unacknowledged alarms and the no-movement sweep.

Both are safe to run every minute from several schedulers at once: escalation claims each
alarm with a conditional UPDATE (``escalated_at`` still empty), and a second open no-movement
alarm for an elder is refused by a unique constraint.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import User
from anlao.alarms.models import (
    MOVEMENT_KINDS,
    Alarm,
    AlarmKind,
    AlarmNotice,
    AlarmSource,
    AlarmState,
    Device,
    StepAction,
)
from anlao.alarms.services import add_step
from anlao.core.audit import audit
from anlao.core.roles import Role
from anlao.people.models import ElderStatus, LivingSituation


def alarms_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate every alarm not acknowledged within ACK_MINUTES to its street's officers.
    Returns how many alarms were escalated by this call (each alarm only ever once)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=int(settings.ALARMS["ACK_MINUTES"]))
    due = Alarm.objects.filter(state=AlarmState.NEW, escalated_at__isnull=True,
                               raised_at__lte=cutoff).values_list("pk", flat=True)
    return sum(_escalate_one(pk, now) for pk in list(due))


@transaction.atomic
def _escalate_one(pk: int, now: dt.datetime) -> bool:
    claimed = Alarm.objects.filter(pk=pk, state=AlarmState.NEW, escalated_at__isnull=True
                                   ).update(escalated_at=now, updated_at=now)
    if claimed != 1:
        return False  # acknowledged meanwhile, or another sweep got it
    alarm = Alarm.objects.select_related("area").get(pk=pk)
    officers = list(User.objects.filter(role=Role.STREET_OFFICER, is_active=True,
                                        areas=alarm.area.parent_id).order_by("pk"))
    AlarmNotice.objects.bulk_create(
        [AlarmNotice(recipient=o, alarm=alarm, created_at=now) for o in officers],
        ignore_conflicts=True)
    names = [str(o) for o in officers]
    note = (", ".join(names) if names
            else _("No street officer is on record for this street."))
    add_step(alarm, actor=None, action=StepAction.ESCALATED, at=now, note=note,
             officers=[o.pk for o in officers])
    audit(actor=None, action="alarm.escalate", obj=alarm, before={"escalated_at": None},
          after={"escalated_at": now.isoformat(), "officers": [o.pk for o in officers]})
    return True


def _last_movement_by_elder() -> dict[int, tuple[dt.datetime, int]]:
    """Per elder living alone: the latest movement over their active movement devices (a
    device that never reported counts from its installation) and the device that saw it."""
    rows = (Device.objects
            .filter(is_active=True, kind__in=MOVEMENT_KINDS,
                    elder__living_situation=LivingSituation.LIVES_ALONE,
                    elder__status=ElderStatus.ACTIVE)
            .annotate(seen=Coalesce("last_movement_at", "created_at"))
            .values_list("elder_id", "pk", "seen"))
    latest: dict[int, tuple[dt.datetime, int]] = {}
    for elder_id, device_id, seen in rows:
        if elder_id not in latest or seen > latest[elder_id][0]:
            latest[elder_id] = (seen, device_id)
    return latest


def alarms_no_movement(*, now: dt.datetime | None = None) -> int:
    """One no-movement alarm per silent episode of an elder living alone: not again while it
    is open, nor after it is closed until the elder has moved again. Returns alarms raised."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=int(settings.ALARMS["NO_MOVEMENT_HOURS"]))
    silent = {e: v for e, v in _last_movement_by_elder().items() if v[0] <= cutoff}
    if not silent:
        return 0
    raised_last = dict(Alarm.objects.filter(source=AlarmSource.NO_MOVEMENT,
                                            elder_id__in=list(silent))
                       .values("elder_id").annotate(last=Max("raised_at"))
                       .values_list("elder_id", "last"))
    count = 0
    for elder_id, (seen, device_id) in silent.items():
        if elder_id in raised_last and raised_last[elder_id] >= seen:
            continue  # this episode already has its alarm
        count += _raise_no_movement(elder_id, device_id, seen, now)
    return count


@transaction.atomic
def _raise_no_movement(elder_id: int, device_id: int, seen: dt.datetime,
                       now: dt.datetime) -> int:
    device = Device.objects.select_related("elder").get(pk=device_id)
    note = _("No movement since %(time)s.") % {
        "time": timezone.localtime(seen).strftime("%Y-%m-%d %H:%M")}
    try:
        with transaction.atomic():
            alarm = Alarm.objects.create(
                elder_id=elder_id, device=device, partner_id=device.partner_id,
                source=AlarmSource.NO_MOVEMENT, kind=AlarmKind.NO_MOVEMENT, raised_at=now,
                area_id=device.elder.residence_area_id, note=note)
    except IntegrityError:
        return 0  # an open one exists (a concurrent sweep)
    add_step(alarm, actor=None, action=StepAction.RAISED, at=now, note=note,
             source=alarm.source, kind=alarm.kind)
    audit(actor=None, action="alarm.raise", obj=alarm,
          after={"elder_id": elder_id, "source": alarm.source, "raised_at": now.isoformat()})
    return 1


def alarms_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Both sweeps, for the scheduler and ``anlao alarms_sweep``."""
    now = now or timezone.now()
    raised = alarms_no_movement(now=now)
    return {"no_movement": raised, "escalated": alarms_escalate(now=now)}
