"""Every write about alarms and devices: raise, device reports, and the handling steps.

Each handling step moves the alarm with a conditional UPDATE (``filter(state=…).update``), so
two operators pressing "acknowledge" at once get one winner and one clear message, on SQLite
and PostgreSQL alike. The sweeps (escalation, no movement) live in sweeps.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.alarms.models import (
    Alarm,
    AlarmSource,
    AlarmState,
    AlarmStep,
    CallResult,
    Device,
    Outcome,
    StepAction,
)
from anlao.alarms.responders import responders_for
from anlao.alarms.selectors import alarm_get, partner_get
from anlao.alarms.validation import clean_at, clean_raise
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.roles import has_perm, require
from anlao.people.selectors import elder_get

HANDLING = (AlarmState.ACKNOWLEDGED, AlarmState.CONTACTING, AlarmState.DISPATCHED)
AUDIT_FIELDS = ["state", "acknowledged_at", "acknowledged_by_id", "closed_at", "outcome"]


def add_step(alarm: Alarm, *, actor: Any, action: str, at: dt.datetime, note: str = "",
             **detail: Any) -> AlarmStep:
    return AlarmStep.objects.create(alarm=alarm, actor=actor if getattr(actor, "pk", None)
                                    else None, at=at, action=action, note=note[:200],
                                    detail=detail)


# --- raising --------------------------------------------------------------------------------

def _partner_of(actor: Any) -> Any:
    org = getattr(actor, "organisation", None)
    if org is None or org.type != "partner":
        raise PermissionDenied(_("Only a partner's API token can send device alarms."))
    return org


def _replay(existing: Alarm, *, serial: str, kind: str) -> Alarm:
    """The same key again: the same alarm, unless the message says something else."""
    same_device = existing.device is not None and existing.device.serial == serial
    if not same_device or existing.kind != kind:
        raise ServiceError(_("This idempotency key was already used for a different alarm."),
                           code="idempotency_conflict", field="idempotency_key")
    return existing


def _create(fields: dict[str, Any], *, replay_filter: dict[str, Any]) -> tuple[Alarm, bool]:
    """Insert, or find the alarm a concurrent identical request inserted first."""
    try:
        with transaction.atomic():
            return Alarm.objects.create(**fields), True
    except IntegrityError:
        existing = Alarm.objects.filter(**replay_filter).first()
        if existing is None:
            raise
        return existing, False


def _raise_from_device(*, actor: Any, data: dict[str, Any], now: dt.datetime
                       ) -> tuple[Alarm, bool]:
    partner = _partner_of(actor)
    key, serial = data["idempotency_key"], data["device_serial"]
    existing = (Alarm.objects.select_related("device")
                .filter(partner=partner, idempotency_key=key).first())
    if existing is not None:
        return _replay(existing, serial=serial, kind=data["kind"]), False
    device = (Device.objects.select_related("elder")
              .filter(partner=partner, serial=serial).first())
    if device is None:  # unknown, or another partner's: the same answer
        raise NotFound(_("No such device."))
    alarm, created = _create(
        dict(elder=device.elder, device=device, partner=partner, source=AlarmSource.DEVICE,
             kind=data["kind"], raised_at=data["at"] or now, area_id=device.elder.residence_area_id,
             lat=data["lat"], lng=data["lng"], idempotency_key=key, created_by=actor),
        replay_filter={"partner": partner, "idempotency_key": key})
    if not created:
        return _replay(alarm, serial=serial, kind=data["kind"]), False
    return alarm, True


def _raise_by_phone(*, actor: Any, data: dict[str, Any], now: dt.datetime
                    ) -> tuple[Alarm, bool]:
    require(actor, "alarm.handle")
    key = data["idempotency_key"]
    if key:
        existing = Alarm.objects.filter(partner__isnull=True, created_by=actor,
                                        idempotency_key=key).first()
        if existing is not None:
            return existing, False
    elder = elder_get(actor=actor, elder_id=data["elder_id"])
    return _create(
        dict(elder=elder, source=AlarmSource.HOTLINE, kind=data["kind"],
             raised_at=data["at"] or now, area_id=elder.residence_area_id, lat=data["lat"],
             lng=data["lng"], note=data["note"], idempotency_key=key, created_by=actor),
        replay_filter={"partner__isnull": True, "created_by": actor, "idempotency_key": key})


@transaction.atomic
def alarm_raise(*, actor: Any, kind: str, device_serial: str = "", elder_id: Any = None,
                at: dt.datetime | None = None, idempotency_key: str = "",
                lat: float | None = None, lng: float | None = None, note: str = "",
                now: dt.datetime | None = None) -> tuple[Alarm, bool]:
    """A new alarm from a partner's device (by serial) or a hotline call (by elder).

    Returns ``(alarm, created)``; the same idempotency key returns the first alarm with
    ``created=False``.
    """
    now = now or timezone.now()
    from_device = has_perm(actor, "alarm.ingest")
    if not from_device:
        require(actor, "alarm.handle")
    data = clean_raise(kind=kind, device_serial=device_serial, elder_id=elder_id, at=at,
                       idempotency_key=idempotency_key, lat=lat, lng=lng, note=note,
                       from_device=from_device, now=now)
    raise_ = _raise_from_device if from_device else _raise_by_phone
    alarm, created = raise_(actor=actor, data=data, now=now)
    if created:
        add_step(alarm, actor=actor, action=StepAction.RAISED, at=alarm.raised_at,
                 note=alarm.note, source=alarm.source, kind=alarm.kind)
        audit(actor=actor, action="alarm.raise", obj=alarm,
              after=snapshot(alarm, ["elder_id", "device_id", "source", "kind", "raised_at",
                                     "idempotency_key"]))
    return alarm, created


# --- device reports -------------------------------------------------------------------------

@transaction.atomic
def device_report(*, actor: Any, serial: str, movement: bool = False,
                  at: dt.datetime | None = None, now: dt.datetime | None = None) -> Device:
    """A heartbeat (or a movement event, which is also a heartbeat) from a partner's device.

    Not audited row by row: a heartbeat is telemetry, not a decision, and thousands of
    devices beat every few minutes; the device's timestamps are the record. The updates are
    conditional, so a late message never moves a timestamp backwards.
    """
    require(actor, "alarm.ingest")
    partner = _partner_of(actor)
    now = now or timezone.now()
    at = clean_at(at, now=now) or now
    device = Device.objects.filter(partner=partner, serial=(serial or "").strip()).first()
    if device is None:
        raise NotFound(_("No such device."))
    qs = Device.objects.filter(pk=device.pk)
    qs.filter(last_heartbeat_at__isnull=True).update(last_heartbeat_at=at)
    qs.filter(last_heartbeat_at__lt=at).update(last_heartbeat_at=at)
    if movement:
        qs.filter(last_movement_at__isnull=True).update(last_movement_at=at)
        qs.filter(last_movement_at__lt=at).update(last_movement_at=at)
    device.refresh_from_db(fields=["last_heartbeat_at", "last_movement_at"])
    return device


# --- handling -------------------------------------------------------------------------------

def _load(actor: Any, alarm_id: Any) -> Alarm:
    require(actor, "alarm.handle")
    return alarm_get(actor=actor, alarm_id=alarm_id)


def _refusal(state: str) -> ServiceError:
    if state == AlarmState.NEW:
        return ServiceError(_("Acknowledge the alarm first."), code="not_acknowledged")
    if state == AlarmState.CLOSED:
        return ServiceError(_("This alarm is already closed."), code="closed")
    return ServiceError(_("Someone else has already acknowledged this alarm."),
                        code="already_acknowledged")


def _move(alarm: Alarm, *, allowed: tuple[str, ...], to: str, now: dt.datetime,
          **fields: Any) -> dict[str, Any]:
    """Conditionally move the alarm; returns the audit 'before'. Refuses a wrong state."""
    before = snapshot(alarm, AUDIT_FIELDS)
    if alarm.state not in allowed:
        raise _refusal(alarm.state)
    moved = Alarm.objects.filter(pk=alarm.pk, state=alarm.state).update(
        state=to, updated_at=now, **fields)
    if moved != 1:  # someone else moved it between our read and our write
        raise ServiceError(_("Someone else changed this alarm at the same time; reload the "
                             "page and try again."), code="conflict")
    alarm.refresh_from_db()
    return before


def _audit_move(actor: Any, action: str, alarm: Alarm, before: dict, note: str = "") -> None:
    audit(actor=actor, action=action, obj=alarm, before=before,
          after=snapshot(alarm, AUDIT_FIELDS), note=note)


@transaction.atomic
def alarm_acknowledge(*, actor: Any, alarm_id: Any, now: dt.datetime | None = None) -> Alarm:
    now = now or timezone.now()
    alarm = _load(actor, alarm_id)
    before = _move(alarm, allowed=(AlarmState.NEW,), to=AlarmState.ACKNOWLEDGED, now=now,
                   acknowledged_at=now, acknowledged_by=actor)
    add_step(alarm, actor=actor, action=StepAction.ACKNOWLEDGED, at=now)
    _audit_move(actor, "alarm.acknowledge", alarm, before)
    return alarm


@transaction.atomic
def alarm_contact(*, actor: Any, alarm_id: Any, whom: str, result: str, note: str = "",
                  now: dt.datetime | None = None) -> Alarm:
    """A call to the elder (``whom="elder"``) or to one of their contacts (its id)."""
    now = now or timezone.now()
    alarm = _load(actor, alarm_id)
    if result not in CallResult.values:
        raise ValidationFailed({"result": [_("Choose how the call went.")]})
    detail: dict[str, Any] = {"result": result}
    if whom == "elder":
        action = StepAction.CALLED_ELDER
    else:
        contact = (alarm.elder.contacts.filter(pk=int(whom)).first()
                   if str(whom).isdigit() else None)
        if contact is None:
            raise ValidationFailed({"whom": [_("Choose the elder or one of their contacts.")]})
        action = StepAction.CALLED_CONTACT
        detail.update(contact_id=contact.pk, contact=contact.name,
                      relation=contact.get_relation_display())
    to = AlarmState.CONTACTING if alarm.state == AlarmState.ACKNOWLEDGED else alarm.state
    before = _move(alarm, allowed=HANDLING, to=to, now=now)
    add_step(alarm, actor=actor, action=action, at=now, note=note, **detail)
    _audit_move(actor, f"alarm.{action}", alarm, before, note=result)
    return alarm


@transaction.atomic
def alarm_dispatch(*, actor: Any, alarm_id: Any, responder: str = "", note: str = "",
                   now: dt.datetime | None = None) -> Alarm:
    """Send the chosen responder (a key from the ranked list), or the nearest one."""
    now = now or timezone.now()
    alarm = _load(actor, alarm_id)
    if alarm.state not in HANDLING:
        raise _refusal(alarm.state)
    ranked = responders_for(alarm, now=now)
    if not ranked:
        raise ServiceError(_("No responder is available now; call 120 or a contact."),
                           code="no_responder")
    chosen = next((r for r in ranked if r.key == responder), None) if responder else ranked[0]
    if chosen is None:
        raise ValidationFailed({"responder": [_("This responder is not available for this "
                                                "alarm; choose one from the list.")]})
    before = _move(alarm, allowed=HANDLING, to=AlarmState.DISPATCHED, now=now)
    add_step(alarm, actor=actor, action=StepAction.DISPATCHED, at=now, note=note,
             responder=chosen.key, kind=chosen.kind, name=chosen.name,
             organisation=chosen.organisation, distance_m=chosen.distance_m,
             position=chosen.position)
    _audit_move(actor, "alarm.dispatch", alarm, before, note=chosen.key)
    return alarm


@transaction.atomic
def alarm_call_120(*, actor: Any, alarm_id: Any, note: str = "",
                   now: dt.datetime | None = None) -> Alarm:
    now = now or timezone.now()
    alarm = _load(actor, alarm_id)
    before = _move(alarm, allowed=HANDLING, to=AlarmState.DISPATCHED, now=now)
    add_step(alarm, actor=actor, action=StepAction.CALLED_120, at=now, note=note)
    _audit_move(actor, "alarm.call_120", alarm, before)
    return alarm


@transaction.atomic
def alarm_close(*, actor: Any, alarm_id: Any, outcome: str, note: str = "",
                now: dt.datetime | None = None) -> Alarm:
    now = now or timezone.now()
    alarm = _load(actor, alarm_id)
    note = (note or "").strip()
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [_("Choose the outcome.")]})
    if outcome == Outcome.OTHER and not note:
        raise ValidationFailed({"note": [_("Say what happened when the outcome is 'other'.")]})
    before = _move(alarm, allowed=HANDLING, to=AlarmState.CLOSED, now=now, closed_at=now,
                   outcome=outcome)
    add_step(alarm, actor=actor, action=StepAction.CLOSED, at=now, note=note, outcome=outcome)
    _audit_move(actor, "alarm.close", alarm, before, note=note)
    return alarm


# --- devices (staff) ------------------------------------------------------------------------

@transaction.atomic
def device_register(*, actor: Any, partner_id: Any, elder_id: Any, kind: str, serial: str
                    ) -> Device:
    """Record a partner's device installed for an elder in the actor's scope."""
    require(actor, "device.manage")
    elder = elder_get(actor=actor, elder_id=elder_id)
    partner = partner_get(partner_id)
    serial = (serial or "").strip()
    errors: dict[str, list[str]] = {}
    if partner is None:
        errors["partner"] = [_("Choose a partner organisation.")]
    if kind not in {k for k, _label in Device._meta.get_field("kind").choices}:
        errors["kind"] = [_("Choose a device kind.")]
    if not serial or len(serial) > 64:
        errors["serial"] = [_("Enter the serial number (at most 64 characters).")]
    elif Device.objects.filter(partner=partner, serial=serial).exists():
        errors["serial"] = [_("This partner already has a device with this serial number.")]
    if errors:
        raise ValidationFailed(errors)
    device = Device.objects.create(partner=partner, elder=elder, kind=kind, serial=serial)
    audit(actor=actor, action="alarm_device.register", obj=device,
          after=snapshot(device, ["partner_id", "elder_id", "kind", "serial"]))
    return device

