"""Home-care API: visits (mounted under /api/homecare/ by api.py).

A caregiver's app checks in and out with a token through the same services as the phone page;
reviewers list anomalies and decide them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate
from anlao.core.errors import PermissionDenied
from anlao.core.masking import mask_address
from anlao.core.roles import has_perm
from anlao.homecare.models import Anomaly, Visit
from anlao.homecare.visits import anomalies, selectors, services

router = Router(tags=["homecare"])

RuleCode = Literal["outside_geofence", "too_short", "overlap", "elder_unavailable",
                   "missing_check_out", "no_order"]


class VisitOut(Schema):
    id: int
    date: dt.date
    sequence: int | None
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    elder_name: str
    address_masked: str = Field(description="Reveal on the route page (access-logged).")
    service: str
    minutes: int = Field(description="Planned minutes of the order.")
    tasks: list[str] = Field(description="The service's checklist.")
    state: str = Field(description="assigned, in_progress, done, cancelled, missed …")
    review: str = Field(description="pending, verified or rejected.")
    check_in_at: dt.datetime | None
    check_in_distance_m: int | None = Field(description="Metres from the elder's home; null "
                                                        "without GPS or home position.")
    check_out_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    tasks_done: list[str]
    notes: str
    anomalies: list[str] = Field(description="Rule codes raised for this visit.")


class PositionIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    no_gps: bool = Field(False, description="The phone has no position: recorded without one "
                                            "and flagged `outside_geofence` (\"no GPS\").")


class CodeOut(Schema):
    expires_at: dt.datetime = Field(description="The code itself goes to the elder's family "
                                                "(SMS), never to the caller.")


class ConfirmIn(Schema):
    code: str = Field(min_length=1, max_length=12)


class TasksIn(Schema):
    tasks_done: list[str] = Field(max_length=50)
    notes: str = Field("", max_length=2000)


class AnomalyOut(Schema):
    id: int
    rule: RuleCode
    rule_label: str
    detail: str
    state: Literal["open", "accepted", "rejected"]
    visit_id: int
    date: dt.date
    provider: str
    caregiver: str | None
    elder_name: str
    street: str | None
    review_note: str


class AnomalyQuery(PageParams):
    rule: RuleCode | None = None
    provider: int | None = Field(None, description="Provider organisation id.")
    street: str = Field("", max_length=12, description="Street code.")
    state: Literal["open", "accepted", "rejected", "all"] = "open"


class ReviewIn(Schema):
    decision: Literal["accept", "reject"]
    note: str = Field("", max_length=200, description="Required to reject.")


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk, "date": v.date, "sequence": v.sequence, "planned_start": v.planned_start,
        "planned_end": v.planned_end, "elder_name": v.order.elder.name,
        "address_masked": mask_address(v.order.elder.address), "service": v.order.item.name,
        "minutes": v.order.minutes, "tasks": list(v.order.item.tasks or []), "state": v.state,
        "review": v.review, "check_in_at": v.check_in_at,
        "check_in_distance_m": v.check_in_distance_m, "check_out_at": v.check_out_at,
        "confirmed_at": v.confirmed_at, "tasks_done": list(v.tasks_done or []),
        "notes": v.notes, "anomalies": sorted(v.anomalies.values_list("rule", flat=True)),
    }


def _reload(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return _visit(selectors.visit_for_caregiver(actor=request.auth, visit_id=visit_id))


@router.get("/route", response={200: list[VisitOut], **ERROR_RESPONSES},
            summary="My route (caregiver)")
def my_route(request: HttpRequest, date: dt.date | None = None) -> list[dict[str, Any]]:
    """The acting caregiver's visits of a day (default today), in the planned order."""
    if not has_perm(request.auth, "visit.record"):
        raise PermissionDenied(_("You are not allowed to do this."))
    day = date or timezone.localdate()
    return [_visit(v) for v in selectors.route_for(actor=request.auth, day=day)]


@router.post("/visits/{int:visit_id}/check-in", response={200: VisitOut, **ERROR_RESPONSES},
             summary="Check in (caregiver)")
def check_in(request: HttpRequest, visit_id: int, payload: PositionIn) -> dict[str, Any]:
    """Only once, only on the visit's day, only for a visit assigned to you (else 404)."""
    services.visit_check_in(actor=request.auth, visit=visit_id, lat=payload.lat,
                          lng=payload.lng, no_gps=payload.no_gps)
    return _reload(request, visit_id)


@router.post("/visits/{int:visit_id}/check-out", response={200: VisitOut, **ERROR_RESPONSES},
             summary="Check out (caregiver)")
def check_out(request: HttpRequest, visit_id: int, payload: PositionIn) -> dict[str, Any]:
    """Runs the anomaly rules; the visit is verified when none fires."""
    services.visit_check_out(actor=request.auth, visit=visit_id, lat=payload.lat,
                           lng=payload.lng, no_gps=payload.no_gps)
    return _reload(request, visit_id)


@router.post("/visits/{int:visit_id}/code", response={200: CodeOut, **ERROR_RESPONSES},
             summary="Send a one-time code to the family")
def issue_code(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    services.visit_issue_code(actor=request.auth, visit=visit_id)
    v = selectors.visit_for_caregiver(actor=request.auth, visit_id=visit_id)
    return {"expires_at": v.code_expires_at}


@router.post("/visits/{int:visit_id}/confirm", response={200: VisitOut, **ERROR_RESPONSES},
             summary="Confirm with the family's code")
def confirm(request: HttpRequest, visit_id: int, payload: ConfirmIn) -> dict[str, Any]:
    services.visit_confirm_code(actor=request.auth, visit=visit_id, code=payload.code)
    return _reload(request, visit_id)


@router.post("/visits/{int:visit_id}/tasks", response={200: VisitOut, **ERROR_RESPONSES},
             summary="Record tasks done and notes")
def record_tasks(request: HttpRequest, visit_id: int, payload: TasksIn) -> dict[str, Any]:
    services.visit_record_tasks(actor=request.auth, visit=visit_id,
                              tasks_done=payload.tasks_done, notes=payload.notes)
    return _reload(request, visit_id)


def _anomaly(a: Anomaly) -> dict[str, Any]:
    v, elder = a.visit, a.visit.order.elder
    street = elder.residence_area.parent
    return {
        "id": a.pk, "rule": a.rule, "rule_label": anomalies.ANOMALIES.title_of(a.rule),
        "detail": anomalies.describe(a), "state": a.state, "visit_id": v.pk, "date": v.date,
        "provider": v.provider.name,
        "caregiver": v.caregiver.caregiver.name if v.caregiver_id else None,
        "elder_name": elder.name, "street": street.code if street else None,
        "review_note": a.review_note,
    }


@router.get("/anomalies", response={200: Page[AnomalyOut], **ERROR_RESPONSES},
            summary="Visit anomalies in your scope")
def list_anomalies(request: HttpRequest, filters: Query[AnomalyQuery]) -> dict[str, Any]:
    """Reviewers (street and district officers) see their areas; a provider's manager sees
    its own visits; others are refused."""
    if not anomalies.may_see_anomalies(request.auth):
        raise PermissionDenied(_("You are not allowed to do this."))
    f = anomalies.AnomalyFilters(rule=filters.rule or "", provider=filters.provider,
                                 street=filters.street,
                                 state="" if filters.state == "all" else filters.state)
    return paginate(anomalies.anomalies_for(request.auth, f), filters, _anomaly)


@router.post("/anomalies/{int:anomaly_id}/review", response={200: AnomalyOut, **ERROR_RESPONSES},
             summary="Accept or reject an anomaly")
def review(request: HttpRequest, anomaly_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Accept: the visit stands and is paid. Reject (with a note): the visit is not paid."""
    anomalies.anomaly_review(actor=request.auth, anomaly_id=anomaly_id,
                             accept=payload.decision == "accept", note=payload.note)
    a = anomalies.anomalies_for(request.auth, anomalies.AnomalyFilters(state="")) \
        .get(pk=anomaly_id)
    return _anomaly(a)

