"""Caregivers, subsidy claims and the certification KPI over JSON. Reads through selectors only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate
from anlao.core.masking import mask_id_number, mask_phone
from anlao.workforce import selectors, services

router = Router(tags=["workforce"])


class CaregiverOut(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    area_code: str


class ClaimOut(Schema):
    id: int
    year: int
    quarter: int
    area_code: str
    state: str = Field(description="draft, computed, approved or exported")
    total_fen: int = Field(description="Total in fen (1 yuan = 100 fen).")


class ClaimLineOut(Schema):
    caregiver_id: int
    facility_id: int | None
    months_paid: int
    post_fen: int
    bonus_fen: int
    total_fen: int
    explanation: dict[str, Any] = Field(description="months (level and employment per month), "
                                                    "bonuses and continuity breaks")


class ClaimDetailOut(ClaimOut):
    lines: list[ClaimLineOut]


class EmploymentEndIn(Schema):
    end: dt.date = Field(description="The last day of the job.")


class EmploymentOut(Schema):
    id: int
    caregiver_id: int
    employer_id: int
    facility_id: int | None
    role: str
    start: dt.date
    end: dt.date | None


class KpiRow(Schema):
    name: str
    total: int
    certified: int
    percent: float
    meets: bool = Field(description="At or above the 95% target of seed 003.")


def _claim(b: Any) -> dict[str, Any]:
    return {"id": b.pk, "year": b.year, "quarter": b.quarter, "area_code": b.area.code,
            "state": b.state, "total_fen": b.total_fen}


@router.get("/caregivers", response={200: Page[CaregiverOut], **ERROR_RESPONSES},
            summary="Caregivers in your scope")
def caregivers(request: HttpRequest, paging: Query[PageParams], q: str = "") -> dict[str, Any]:
    return paginate(selectors.caregivers_for(actor=request.auth, q=q), paging, lambda c: {
        "id": c.pk, "name": c.name, "id_number_masked": mask_id_number(c.id_number),
        "phone_masked": mask_phone(c.phone), "area_code": c.area.code})


@router.get("/claims", response={200: Page[ClaimOut], **ERROR_RESPONSES},
            summary="Quarterly post subsidy claims")
def claims(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.batches_visible(actor=request.auth), paging, _claim)


@router.get("/claims/{claim_id}", response={200: ClaimDetailOut, **ERROR_RESPONSES},
            summary="One claim with its explained lines")
def claim_detail(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    b = selectors.batch_get(actor=request.auth, batch_id=claim_id)
    lines = [{"caregiver_id": ln.caregiver_id, "facility_id": ln.facility_id,
              "months_paid": ln.months_paid, "post_fen": ln.post_fen, "bonus_fen": ln.bonus_fen,
              "total_fen": ln.total_fen, "explanation": ln.explanation} for ln in b.lines.all()]
    return {**_claim(b), "lines": lines}


@router.get("/kpi", response={200: dict[str, list[KpiRow]], **ERROR_RESPONSES},
            summary="Certification rate per facility, employer, street and district")
def kpi(request: HttpRequest) -> dict[str, Any]:
    return selectors.certification_kpi(actor=request.auth)


@router.post("/employments/{int:employment_id}/end",
             response={200: EmploymentOut, **ERROR_RESPONSES}, summary="End a caregiver's job")
def employment_end(request: HttpRequest, employment_id: int,
                   payload: EmploymentEndIn) -> dict[str, Any]:
    """Those who keep caregivers' records; a caregiver outside your scope answers 404, a job
    already ended 422."""
    e = services.employment_end(actor=request.auth, employment_id=employment_id,
                                end=payload.end)
    return {"id": e.pk, "caregiver_id": e.caregiver_id, "employer_id": e.employer_id,
            "facility_id": e.facility_id, "role": e.role, "start": e.start, "end": e.end}
