"""The waitlist over JSON. Reads go through selectors (scoped), writes through services.

Queues show masked names and ID numbers only, as on the public pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES
from anlao.core.errors import NotFound
from anlao.core.roles import require
from anlao.waitlist import services
from anlao.waitlist.policy import load_policy
from anlao.waitlist.queue import explain
from anlao.waitlist.selectors import (
    application_events,
    application_get,
    facilities_managed,
    facility_managed_get,
    queue_rows,
)
from anlao.waitlist.stats import queue_lengths, waitlist_stats

router = Router(tags=["waitlist"])


class WaitlistFacilityOut(Schema):
    id: int
    name: str
    waiting: int


class QueueEntryOut(Schema):
    application_id: int
    position: int | None = Field(description="Queue number; null while no class is set.")
    masked_name: str
    masked_id_number: str
    class_code: str
    class_label: str
    bed_category: str
    applied_at: dt.datetime
    status: str
    offer_due: str = Field(description="Last day to accept an open offer (ISO date) or ''.")


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    reason: str
    data: dict[str, Any]


class ApplicationOut(Schema):
    id: int
    facility_id: int
    elder_id: int
    bed_category: str
    applied_at: dt.datetime
    class_code: str
    status: str
    position: int | None
    ahead_in_higher_class: int | None
    ahead_in_same_class: int | None
    events: list[EventOut]


class ApplyIn(Schema):
    elder_id: int
    facility_id: int
    bed_category: Literal["general", "nursing"]


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class StatsOut(Schema):
    facility_id: int
    class_code: str
    waiting: int
    median_wait_days: float | None
    admitted: int
    median_days_to_admission: float | None
    offered: int
    accepted: int
    declined: int
    lapsed: int


@router.get("/facilities", response={200: list[WaitlistFacilityOut], **ERROR_RESPONSES},
            summary="Public care homes whose queue you see")
def facilities(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.auth, "waitlist.view")
    homes = list(facilities_managed(actor=request.auth))
    lengths = queue_lengths([h.pk for h in homes])
    return [{"id": h.pk, "name": h.name, "waiting": lengths.get(h.pk, 0)} for h in homes]


@router.get("/facilities/{int:facility_id}/queue",
            response={200: list[QueueEntryOut], **ERROR_RESPONSES},
            summary="A facility's queue, recomputed from its event log")
def facility_queue(request: HttpRequest, facility_id: int) -> list[dict[str, Any]]:
    require(request.auth, "waitlist.view")
    home = facility_managed_get(actor=request.auth, facility_id=facility_id)
    return [{"application_id": r.entry.application_id, "position": r.entry.position,
             "masked_name": r.masked_name, "masked_id_number": r.masked_id,
             "class_code": r.entry.class_code, "class_label": r.class_label,
             "bed_category": r.entry.bed_category, "applied_at": r.entry.applied_at,
             "status": r.entry.status, "offer_due": r.entry.offer_due}
            for r in queue_rows(home.pk)]


def _detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    app = application_get(actor=request.auth, application_id=application_id)
    policy = load_policy()
    why = explain([r.entry for r in queue_rows(app.facility_id, policy)], app.pk, policy)
    return {"id": app.pk, "facility_id": app.facility_id, "elder_id": app.elder_id,
            "bed_category": app.bed_category, "applied_at": app.applied_at,
            "class_code": app.class_code, "status": app.status,
            "position": why["position"], "ahead_in_higher_class": why.get("higher_class"),
            "ahead_in_same_class": (why["same_class_earlier"]
                                    + why["same_time_recorded_earlier"])
            if why["position"] else None,
            "events": [{"id": e.pk, "kind": e.kind, "at": e.at, "reason": e.reason,
                        "data": e.data} for e in application_events(app)]}


@router.post("/applications", response={201: ApplicationOut, **ERROR_RESPONSES},
             summary="Apply to a public care home for an elder")
def apply(request: HttpRequest, payload: ApplyIn) -> Status:
    app = services.waitlist_apply(actor=request.auth, elder_id=payload.elder_id,
                                  facility_id=payload.facility_id,
                                  bed_category=payload.bed_category)
    return Status(201, _detail(request, app.pk))


@router.get("/applications/{int:application_id}",
            response={200: ApplicationOut, **ERROR_RESPONSES},
            summary="One application: its place, why, and its event log")
def application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    require(request.auth, "waitlist.view")
    return _detail(request, application_id)


ACTIONS = {"offer": services.waitlist_offer, "accept": services.waitlist_accept,
           "decline": services.waitlist_decline, "withdraw": services.waitlist_withdraw,
           "reclassify": services.waitlist_reclassify}


@router.post("/applications/{int:application_id}/{action}",
             response={200: ApplicationOut, **ERROR_RESPONSES},
             summary="offer | accept | decline | withdraw | reclassify")
def application_action(request: HttpRequest, application_id: int,
                       action: Literal["offer", "accept", "decline", "withdraw",
                                       "reclassify"],
                       payload: ReasonIn | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"actor": request.auth, "application_id": application_id}
    if action in ("decline", "withdraw"):
        kwargs["reason"] = payload.reason if payload else ""
    if action not in ACTIONS:
        raise NotFound("no such action")
    ACTIONS[action](**kwargs)
    return _detail(request, application_id)


@router.get("/stats", response={200: list[StatsOut], **ERROR_RESPONSES},
            summary="Queue length, waiting time, offers and acceptances by facility and class")
def stats(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.auth, "waitlist.view")
    ids = list(facilities_managed(actor=request.auth).values_list("id", flat=True))
    return [{"facility_id": fid, "class_code": code, "waiting": r["waiting"],
             "median_wait_days": r["median_wait"], "admitted": r["admitted"],
             "median_days_to_admission": r["median_admit"], "offered": r["offered"],
             "accepted": r["accepted"], "declined": r["declined"], "lapsed": r["lapsed"]}
            for (fid, code), r in sorted(waitlist_stats(ids).items())]
