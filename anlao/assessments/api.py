"""Ability assessments over JSON. Reads go through selectors, writes through services.

Scope is the registry's: area staff see assessments of elders in their jurisdiction; an
agency's assessors see their agency's assessments and the elders it was asked to assess.
Anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.assessments import schedules, services, stats
from anlao.assessments.instrument import as_dict
from anlao.assessments.models import (
    Assessment,
    AssessmentReason,
    AssessmentRequest,
    AssessmentState,
    RequestStatus,
)
from anlao.assessments.scoring import missing_items, partial_subtotals, reason_text
from anlao.assessments.selectors import (
    assessment_get,
    assessments_for,
    elder_assessment_history,
    requests_visible,
)
from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate
from anlao.core.roles import require

router = Router(tags=["assessments"])


# --- output ---------------------------------------------------------------------------------

class Ref(Schema):
    id: int
    name: str


class ElderRef(Ref):
    community: str
    street: str | None
    ability_level: int | None = Field(description="Current level 0–4; null: not assessed.")


class LevelChangeOut(Schema):
    rule: Literal["coma", "mental_disorder", "risk_events", "recorded"] = Field(
        description="`recorded`: an imported level above the one its scores give.")
    from_level: int
    to_level: int
    reason: str = Field(description="In the request language.")


class AssessmentItem(Schema):
    id: int
    elder: ElderRef
    agency: Ref
    reason: AssessmentReason
    state: AssessmentState
    source: str
    assessed_on: dt.date
    total: int | None = Field(description="Null until submitted.")
    final_level: int | None = Field(description="Null until submitted.")
    is_current: bool = Field(description="This final assessment set the elder's level.")


class AssessmentDetail(AssessmentItem):
    instrument_version: str
    assessor_1: Ref | None
    assessor_2: Ref | None
    answers: dict[str, int] = Field(description="Item code (`B.1.1`) → score.")
    missing: list[str] = Field(description="Item codes not answered yet.")
    coma: bool
    dementia: bool
    psychiatric_disorder: bool
    diagnosis_note: str
    risk_events: dict[str, int] = Field(description="Event type → count in the 30 days "
                                                    "before the assessment.")
    subtotals: dict[str, int] = Field(description="Dimension (`B.1`…) → points; for a draft, "
                                                  "the points so far.")
    initial_level: int | None
    level_changes: list[LevelChangeOut]
    rejection_reason: str
    note: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    finalised_at: dt.datetime | None


class HistoryOut(Schema):
    elder: ElderRef
    current_assessment_id: int | None
    assessments: list[AssessmentItem]


class RequestOut(Schema):
    id: int
    elder: ElderRef
    agency: Ref
    reason: AssessmentReason
    requested_on: dt.date
    status: RequestStatus
    note: str


class DueOut(Schema):
    elder: ElderRef
    last_final_on: dt.date | None
    due_on: dt.date
    overdue: bool
    change_of_condition: bool


class LevelCountOut(Schema):
    code: str
    name: str
    elders: int
    assessed: int
    share: float = Field(description="assessed / elders, 0–1.")
    levels: dict[int, int] = Field(description="Level 0–4 → active elders at that level.")


class AgencyMonthOut(Schema):
    agency_id: int
    agency: str
    month: dt.date
    count: int


# --- input ----------------------------------------------------------------------------------

class DraftIn(Schema):
    reason: AssessmentReason | None = None
    assessed_on: dt.date | None = Field(None, description="Not in the future, not before "
                                                          "birth.")
    assessor_1: int | None = Field(None, description="User id of an assessor of the agency.")
    assessor_2: int | None = None
    answers: dict[str, int | None] | None = Field(
        None, description="Some or all items; null clears an item. Saved as given.")
    coma: bool | None = None
    dementia: bool | None = Field(None, description="ICD-10 F00–F03.")
    psychiatric_disorder: bool | None = Field(None, description="Another mental disorder "
                                                                "diagnosed by a psychiatrist.")
    diagnosis_note: str | None = Field(None, max_length=200)
    risk_events: dict[str, int] | None = Field(
        None, description="fall, choking, suicide, self_harm, wandering, other → count.")
    note: str | None = Field(None, max_length=2000)


class CreateIn(DraftIn):
    elder_id: int
    agency_id: int | None = Field(None, description="Superusers only; an assessor's agency "
                                                    "is their organisation.")


class AnswersIn(Schema):
    answers: dict[str, int | None]


class RejectIn(Schema):
    reason: str = Field(min_length=2, max_length=255)


class RequestIn(Schema):
    elder_id: int
    agency_id: int
    reason: AssessmentReason
    note: str = Field("", max_length=255)


class ListQuery(PageParams):
    elder_id: int | None = None
    state: AssessmentState | None = None


class AreaQuery(PageParams):
    area: str = Field("", max_length=12, description="Street or community code.")


class DueQuery(AreaQuery):
    within_days: int | None = Field(None, ge=0, le=366, description="Default 30.")


# --- shaping --------------------------------------------------------------------------------

def _elder(e: Any) -> dict[str, Any]:
    area = e.residence_area
    return {"id": e.pk, "name": e.name, "community": area.name,
            "street": area.parent.name if area.parent_id else None,
            "ability_level": e.ability_level}


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _item(a: Assessment) -> dict[str, Any]:
    return {"id": a.pk, "elder": _elder(a.elder), "agency": _ref(a.agency), "reason": a.reason,
            "state": a.state, "source": a.source, "assessed_on": a.assessed_on,
            "total": a.total, "final_level": a.final_level, "is_current": a.is_current}


def _detail(a: Assessment) -> dict[str, Any]:
    changes = [{**c, "reason": reason_text(c)} for c in a.level_changes]
    return {
        **_item(a), "instrument_version": a.instrument_version,
        "assessor_1": _ref(a.assessor_1), "assessor_2": _ref(a.assessor_2),
        "answers": a.answers, "missing": missing_items(a.answers), "coma": a.coma,
        "dementia": a.dementia, "psychiatric_disorder": a.psychiatric_disorder,
        "diagnosis_note": a.diagnosis_note, "risk_events": a.risk_events,
        "subtotals": a.subtotals or partial_subtotals(a.answers),
        "initial_level": a.initial_level, "level_changes": changes,
        "rejection_reason": a.rejection_reason, "note": a.note,
        "submitted_at": a.submitted_at, "reviewed_at": a.reviewed_at,
        "finalised_at": a.finalised_at,
    }


def _request(r: AssessmentRequest) -> dict[str, Any]:
    return {"id": r.pk, "elder": _elder(r.elder), "agency": _ref(r.agency), "reason": r.reason,
            "requested_on": r.requested_on, "status": r.status, "note": r.note}


def _reload(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _detail(assessment_get(actor=request.auth, assessment_id=assessment_id))


def _data(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


# --- endpoints: the instrument and assessments ----------------------------------------------

@router.get("/instrument", response={200: dict[str, Any], **ERROR_RESPONSES},
            summary="The instrument (items, options, levels)")
def instrument(request: HttpRequest) -> dict[str, Any]:
    """GB/T 42195-2022 as data: 26 items in four dimensions, each option's score and wording
    (`zh`, `en`), the level bands, the level-change rules and the care-risk event types."""
    require(request.auth, "assessment.view")
    return as_dict()


@router.get("", response={200: Page[AssessmentItem], **ERROR_RESPONSES},
            summary="List assessments in your scope")
def list_assessments(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    qs = assessments_for(actor=request.auth, elder_id=q.elder_id, state=q.state or "")
    return paginate(qs.select_related("elder__residence_area__parent"), q, _item)


@router.post("", response={201: AssessmentDetail, **ERROR_RESPONSES},
             summary="Start a draft")
def create_assessment(request: HttpRequest, payload: CreateIn) -> Status:
    """For an elder your agency was asked to assess. Answers may be partial."""
    data = _data(payload)
    elder_id = data.pop("elder_id")
    a = services.assessment_create(actor=request.auth, elder_id=elder_id, data=data)
    return Status(201, _reload(request, a.pk))


@router.get("/{int:assessment_id}", response={200: AssessmentDetail, **ERROR_RESPONSES},
            summary="One assessment")
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _reload(request, assessment_id)


@router.patch("/{int:assessment_id}", response={200: AssessmentDetail, **ERROR_RESPONSES},
              summary="Change a draft")
def update_assessment(request: HttpRequest, assessment_id: int,
                      payload: DraftIn) -> dict[str, Any]:
    """Only fields sent change; answers sent replace those items. Drafts only."""
    services.assessment_update(actor=request.auth, assessment_id=assessment_id,
                               data=_data(payload))
    return _reload(request, assessment_id)


@router.put("/{int:assessment_id}/answers", response={200: AssessmentDetail, **ERROR_RESPONSES},
            summary="Save some answers of a draft")
def save_answers(request: HttpRequest, assessment_id: int, payload: AnswersIn) -> dict[str, Any]:
    """The phone form's autosave: each given item is checked against the instrument."""
    services.assessment_save_answers(actor=request.auth, assessment_id=assessment_id,
                                     answers=payload.answers)
    return _reload(request, assessment_id)


def _transition(name: str):
    def endpoint(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
        getattr(services, f"assessment_{name}")(actor=request.auth, assessment_id=assessment_id)
        return _reload(request, assessment_id)
    endpoint.__name__ = f"{name}_assessment"
    return endpoint


router.post("/{int:assessment_id}/submit", response={200: AssessmentDetail, **ERROR_RESPONSES},
            summary="Submit a draft (all items answered, two assessors)")(_transition("submit"))
router.post("/{int:assessment_id}/review", response={200: AssessmentDetail, **ERROR_RESPONSES},
            summary="Mark a submitted assessment reviewed")(_transition("review"))
router.post("/{int:assessment_id}/finalise",
            response={200: AssessmentDetail, **ERROR_RESPONSES},
            summary="Finalise; sets the elder's ability level")(_transition("finalise"))


@router.post("/{int:assessment_id}/reject", response={200: AssessmentDetail, **ERROR_RESPONSES},
             summary="Send back to draft with a reason")
def reject_assessment(request: HttpRequest, assessment_id: int,
                      payload: RejectIn) -> dict[str, Any]:
    services.assessment_reject(actor=request.auth, assessment_id=assessment_id,
                               reason=payload.reason)
    return _reload(request, assessment_id)


@router.get("/elders/{int:elder_id}", response={200: HistoryOut, **ERROR_RESPONSES},
            summary="An elder's current level and assessment history")
def elder_history(request: HttpRequest, elder_id: int) -> dict[str, Any]:
    elder, rows = elder_assessment_history(actor=request.auth, elder_id=elder_id)
    current = next((a.pk for a in rows if a.is_current), None)
    return {"elder": _elder(elder), "current_assessment_id": current,
            "assessments": [_item(a) for a in rows]}


# --- requests, schedules and statistics -----------------------------------------------------

@router.post("/requests", response={201: RequestOut, **ERROR_RESPONSES},
             summary="Ask an agency to assess an elder")
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    req = services.assessment_request_create(actor=request.auth, elder_id=payload.elder_id,
                                             agency_id=payload.agency_id,
                                             reason=payload.reason, note=payload.note)
    return Status(201, _request(req))


@router.post("/requests/{int:request_id}/cancel", response={200: RequestOut, **ERROR_RESPONSES},
             summary="Cancel an open request")
def cancel_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """Area staff who may ask for assessments; a request outside your scope answers 404, one
    no longer open 422."""
    req = services.assessment_request_cancel(actor=request.auth, request_id=request_id)
    return _request(req)


@router.get("/requests", response={200: Page[RequestOut], **ERROR_RESPONSES},
            summary="Assessment requests in your scope")
def list_requests(request: HttpRequest, q: Query[PageParams],
                  status: RequestStatus | None = None) -> dict[str, Any]:
    qs = requests_visible(actor=request.auth).select_related(
        "elder__residence_area__parent", "agency")
    return paginate(qs.filter(status=status) if status else qs, q, _request)


@router.get("/due", response={200: Page[DueOut], **ERROR_RESPONSES},
            summary="Elders overdue or due for reassessment")
def due(request: HttpRequest, q: Query[DueQuery]) -> dict[str, Any]:
    """Overdue, due within `within_days`, or with an open change-of-condition request."""
    today = timezone.localdate()
    page = paginate(schedules.elders_due(request.auth, area_code=q.area, today=today,
                                         within_days=q.within_days), q, lambda e: e)
    page["results"] = [{"elder": _elder(r.elder), "last_final_on": r.last_final_on,
                        "due_on": r.due_on, "overdue": r.overdue,
                        "change_of_condition": r.change_of_condition}
                       for r in schedules.due_rows(page["results"], today)]
    return page


@router.get("/never-assessed", response={200: Page[ElderRef], **ERROR_RESPONSES},
            summary="Elders in scope with no assessment at all")
def never_assessed(request: HttpRequest, q: Query[AreaQuery]) -> dict[str, Any]:
    return paginate(schedules.elders_never_assessed(request.auth, area_code=q.area), q, _elder)


@router.get("/stats/levels", response={200: list[LevelCountOut], **ERROR_RESPONSES},
            summary="Elders by current level, and share assessed, per area")
def stats_levels(request: HttpRequest, by: Literal["street", "community"] = "street",
                 area: str = "") -> list[dict[str, Any]]:
    require(request.auth, "assessment.view")
    return stats.level_counts(request.auth, by=by, area_code=area)


@router.get("/stats/agency-months", response={200: list[AgencyMonthOut], **ERROR_RESPONSES},
            summary="Final assessments per agency and month")
def stats_agency_months(request: HttpRequest,
                        since: dt.date | None = None) -> list[dict[str, Any]]:
    require(request.auth, "assessment.view")
    return stats.assessments_per_agency_month(request.auth, since=since)
