"""Alarms API: partners' devices post alarms and heartbeats; staff read the queue.

Partner endpoints accept only a partner's API token (``Authorization: Bearer anl_…``): an
unknown or revoked token is 401, a device of another partner is 404 (as unknown), and a
repeated ``idempotency_key`` returns the first alarm with 200 instead of 201.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.alarms import selectors, services
from anlao.alarms.models import Alarm
from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, TokenAuth, paginate
from anlao.core.masking import mask_name
from anlao.core.roles import require

router = Router(tags=["alarms"])
PARTNER_AUTH = [TokenAuth()]


class AlarmIn(Schema):
    device_serial: str = Field(max_length=64, description="The device's serial number.")
    kind: Literal["sos", "fall", "door", "other"]
    at: dt.datetime | None = Field(None, description="When the device raised it (ISO 8601 "
                                                     "with offset); default: now.")
    idempotency_key: str = Field(min_length=1, max_length=64,
                                 description="Unique per message; a repeat makes no new alarm.")
    lat: float | None = None
    lng: float | None = None


class AlarmAccepted(Schema):
    id: int
    state: str
    kind: str
    raised_at: dt.datetime
    created: bool = Field(description="false when this key was already received")


class DeviceEventIn(Schema):
    device_serial: str = Field(max_length=64)
    at: dt.datetime | None = Field(None, description="Event time; default: now.")


class DeviceOut(Schema):
    device_serial: str
    last_heartbeat_at: dt.datetime | None
    last_movement_at: dt.datetime | None


class DeviceIn(Schema):
    partner_id: int = Field(description="The partner organisation that runs the device.")
    elder_id: int
    kind: Literal["watch", "pendant", "door_sensor", "movement_sensor"]
    serial: str = Field(min_length=1, max_length=64,
                        description="The partner's serial number, unique per partner.")


class DeviceRegistered(Schema):
    id: int
    partner_id: int
    elder_id: int
    kind: str
    serial: str
    is_active: bool


class StepOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None = Field(description="null for the system (sweeps)")
    note: str
    detail: dict[str, Any]


class AlarmOut(Schema):
    id: int
    elder_id: int
    elder_name_masked: str
    community_code: str
    source: str
    kind: str
    state: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str


class AlarmDetailOut(AlarmOut):
    steps: list[StepOut]


def _accepted(alarm: Alarm, created: bool) -> dict[str, Any]:
    return {"id": alarm.pk, "state": alarm.state, "kind": alarm.kind,
            "raised_at": alarm.raised_at, "created": created}


@router.post("", auth=PARTNER_AUTH, response={200: AlarmAccepted, 201: AlarmAccepted,
                                               **ERROR_RESPONSES},
             summary="Raise an alarm from a device (partners)")
def raise_alarm(request: HttpRequest, payload: AlarmIn) -> Status:
    require(request.auth, "alarm.ingest")  # staff log calls on the hotline page instead
    alarm, created = services.alarm_raise(
        actor=request.auth, kind=payload.kind, device_serial=payload.device_serial,
        at=payload.at, idempotency_key=payload.idempotency_key, lat=payload.lat,
        lng=payload.lng)
    return Status(201 if created else 200, _accepted(alarm, created))


def _device_event(request: HttpRequest, payload: DeviceEventIn, movement: bool
                  ) -> dict[str, Any]:
    device = services.device_report(actor=request.auth, serial=payload.device_serial,
                                    movement=movement, at=payload.at)
    return {"device_serial": device.serial, "last_heartbeat_at": device.last_heartbeat_at,
            "last_movement_at": device.last_movement_at}


@router.post("/heartbeats", auth=PARTNER_AUTH, response={200: DeviceOut, **ERROR_RESPONSES},
             summary="A device's heartbeat (partners)")
def heartbeat(request: HttpRequest, payload: DeviceEventIn) -> dict[str, Any]:
    return _device_event(request, payload, movement=False)


@router.post("/movements", auth=PARTNER_AUTH, response={200: DeviceOut, **ERROR_RESPONSES},
             summary="Movement seen by a device (partners); also counts as a heartbeat")
def movement(request: HttpRequest, payload: DeviceEventIn) -> dict[str, Any]:
    return _device_event(request, payload, movement=True)


def _alarm(a: Alarm) -> dict[str, Any]:
    return {"id": a.pk, "elder_id": a.elder_id, "elder_name_masked": mask_name(a.elder.name),
            "community_code": a.area.code, "source": a.source, "kind": a.kind,
            "state": a.state, "raised_at": a.raised_at, "acknowledged_at": a.acknowledged_at,
            "escalated_at": a.escalated_at, "closed_at": a.closed_at, "outcome": a.outcome}


@router.get("", response={200: Page[AlarmOut], **ERROR_RESPONSES},
            summary="Alarms in your scope (staff)")
def alarm_list(request: HttpRequest, paging: Query[PageParams],
               state: Literal["open", "closed", "all"] = "open") -> dict[str, Any]:
    """Open alarms come most urgent first; closed ones newest first."""
    if state == "open":
        qs = selectors.alarms_open(actor=request.auth)
    else:
        qs = selectors.alarms_visible(actor=request.auth).select_related("elder", "area")
        if state == "closed":
            qs = qs.filter(state="closed")
    return paginate(qs, paging, _alarm)


@router.get("/{int:alarm_id}", response={200: AlarmDetailOut, **ERROR_RESPONSES},
            summary="One alarm with its steps (staff)")
def alarm_detail(request: HttpRequest, alarm_id: int) -> dict[str, Any]:
    a = selectors.alarm_get(actor=request.auth, alarm_id=alarm_id)
    steps = [{"at": s.at, "action": s.action, "actor": str(s.actor) if s.actor else None,
              "note": s.note, "detail": s.detail}
             for s in a.steps.select_related("actor")]
    return {**_alarm(a), "steps": steps}


@router.post("/devices", response={201: DeviceRegistered, **ERROR_RESPONSES},
             summary="Register a partner's device for an elder (staff)")
def device_register(request: HttpRequest, payload: DeviceIn) -> Status:
    """An elder outside your scope answers 404; a repeated serial of the partner 422."""
    d = services.device_register(actor=request.auth, partner_id=payload.partner_id,
                                 elder_id=payload.elder_id, kind=payload.kind,
                                 serial=payload.serial)
    return Status(201, {"id": d.pk, "partner_id": d.partner_id, "elder_id": d.elder_id,
                        "kind": d.kind, "serial": d.serial, "is_active": d.is_active})
