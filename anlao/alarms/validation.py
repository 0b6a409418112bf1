"""Checking what arrives with an alarm (API or hotline form): pure, no database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.alarms.models import AlarmKind
from anlao.core.errors import ValidationFailed

# Devices' clocks drift; a message a little "from the future" is still believed.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Older than this is a stale replay from a device's buffer, not an alarm to act on now.
MAX_AGE = dt.timedelta(days=7)
KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def clean_at(at: dt.datetime | None, *, now: dt.datetime, field: str = "at"
             ) -> dt.datetime | None:
    """An aware event time no later than ``now`` (a small skew is clamped), or None."""
    if at is None:
        return None
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationFailed({field: [_("The time lies in the future.")]})
    if at < now - MAX_AGE:
        raise ValidationFailed({field: [_("The time is more than 7 days ago.")]})
    return min(at, now)


def clean_position(lat: float | None, lng: float | None) -> dict[str, list[str]]:
    if lat is None and lng is None:
        return {}
    if lat is None or lng is None:
        return {"lat": [_("Send both latitude and longitude, or neither.")]}
    errors = {}
    if not -90 <= lat <= 90:
        errors["lat"] = [_("Latitude must lie between -90 and 90.")]
    if not -180 <= lng <= 180:
        errors["lng"] = [_("Longitude must lie between -180 and 180.")]
    return errors


def clean_raise(*, kind: str, device_serial: str, elder_id: Any, at: dt.datetime | None,
                idempotency_key: str, lat: float | None, lng: float | None, note: str,
                from_device: bool, now: dt.datetime) -> dict[str, Any]:
    """Every problem at once (``ValidationFailed``), or the cleaned values."""
    errors: dict[str, list[str]] = {}
    key, serial = (idempotency_key or "").strip(), (device_serial or "").strip()
    if kind not in AlarmKind.values or (from_device and kind == AlarmKind.NO_MOVEMENT):
        errors["kind"] = [_("Choose the kind of alarm.")]
    if from_device and not serial:
        errors["device_serial"] = [_("This field is required.")]
    if from_device and not key:
        errors["idempotency_key"] = [_("This field is required.")]
    elif key and not KEY_RE.match(key):
        errors["idempotency_key"] = [_("Use at most 64 letters, digits and . _ : -")]
    if not from_device and not elder_id:
        errors["elder_id"] = [_("Choose the elder who called.")]
    errors.update(clean_position(lat, lng))
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("The note is too long (at most 200 characters).")]
    try:
        at = clean_at(at, now=now)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return {"kind": kind, "device_serial": serial, "elder_id": elder_id, "at": at,
            "idempotency_key": key, "lat": lat, "lng": lng, "note": note}
