"""Benefit runs and explanations over JSON. Reads through selectors only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.benefits.engine.evaluation import Explanation
from anlao.benefits.models import BenefitRun
from anlao.benefits.payments import partner
from anlao.benefits.policy import labels
from anlao.benefits.runs import selectors
from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate

router = Router(tags=["benefits"])


class RunOut(Schema):
    id: int
    program: str
    period: str = Field(description="YYYY-MM")
    district_code: str
    kind: str = Field(description="regular, or supplementary (补发: failed payments and "
                      "back-pay only)")
    state: str = Field(description="draft, computed, reviewed, approved or exported")
    policy_hash: str
    elder_count: int
    paid_count: int
    total_fen: int = Field(description="Total in fen (1 yuan = 100 fen).")
    computed_by: str | None
    approved_by: str | None


class RunDetailOut(RunOut):
    diff: dict[str, int] = Field(description="new / stopped / changed / unchanged counts")
    previous_period: str | None
    streets: list[dict[str, Any]] = Field(description="code, name, count, total_fen")
    progress_step: str
    progress_done: int
    progress_total: int


class CheckOut(Schema):
    code: str
    label: str
    passed: bool
    leaves: list[dict[str, Any]]


class MonthOut(Schema):
    month: dt.date
    age: int
    status: str
    tier: str | None
    amount_fen: int
    checks: list[CheckOut]


class ExplanationOut(Schema):
    program: str
    period: str
    elder_id: int
    amount_fen: int
    tier: str | None
    paid: bool
    fail: str | None = Field(description="The first condition not met, if any.")
    reason: str | None = Field(description="Stop reason code, e.g. deceased, hukou_moved.")
    reason_label: str
    months: list[MonthOut]


class RunFilters(Schema):
    program: str = ""
    period: str = ""


def _run(run: BenefitRun) -> dict[str, Any]:
    return {"id": run.pk, "program": run.program, "period": run.period,
            "district_code": run.area.code, "kind": run.kind, "state": run.state,
            "policy_hash": run.policy_hash, "elder_count": run.elder_count,
            "paid_count": run.paid_count, "total_fen": run.total_fen,
            "computed_by": run.computed_by.username if run.computed_by else None,
            "approved_by": run.approved_by.username if run.approved_by else None}


@router.get("/runs", response={200: Page[RunOut], **ERROR_RESPONSES}, summary="Benefit runs")
def runs(request: HttpRequest, filters: Query[RunFilters],
         paging: Query[PageParams]) -> dict[str, Any]:
    """Runs of districts in your jurisdiction (needs `benefit.view`), newest month first."""
    qs = selectors.runs_for(request.auth, program=filters.program, period=filters.period)
    return paginate(qs, paging, _run)


@router.get("/runs/{run_id}", response={200: RunDetailOut, **ERROR_RESPONSES},
            summary="One benefit run")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = selectors.run_get(actor=request.auth, run_id=run_id)
    s = run.summary or {}
    return {**_run(run), "diff": s.get("diff") or {}, "previous_period": s.get("previous_period"),
            "streets": s.get("streets", []), "progress_step": run.progress_step,
            "progress_done": run.progress_done, "progress_total": run.progress_total}


def _explanation(why: Explanation, elder_id: int, lang: str) -> dict[str, Any]:
    return {
        "program": why.program, "period": why.period.strftime("%Y-%m"), "elder_id": elder_id,
        "amount_fen": why.amount_fen, "tier": why.tier, "paid": why.amount_fen > 0,
        "fail": why.fail, "reason": why.reason,
        "reason_label": labels.reason_label(why.fail if (why.fail or "").startswith(
            "exclusive:") else why.reason),
        "months": [{"month": m.month, "age": m.age, "status": m.status, "tier": m.tier,
                    "amount_fen": m.amount_fen,
                    "checks": [{"code": c.code, "label": c.label[lang], "passed": c.passed,
                                "leaves": [{**lf, "value": _plain(lf["value"])}
                                           for lf in c.leaves]} for c in m.checks]}
                   for m in why.months],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@router.get("/explain", response={200: ExplanationOut, **ERROR_RESPONSES},
            summary="Why one elder gets what they get")
def explain(request: HttpRequest, program: str, period: str, elder_id: int) -> dict[str, Any]:
    """Evaluates the program for one elder in your scope with the run's own code path."""
    why = selectors.explain_elder(actor=request.auth, program=program, period=period,
                                  elder_id=elder_id)
    lang = "zh" if (request.LANGUAGE_CODE or "zh").startswith("zh") else "en"
    return _explanation(why, elder_id, lang)


class FaceResultIn(Schema):
    id_number: str = Field(max_length=32, description="The elder's resident ID (18 characters "
                           "or a legacy 15-digit number).")
    method: str = Field("face", description="Always `face`.")
    result: str = Field(description="`pass` (the face matched) or `fail`.")
    at: dt.datetime = Field(description="When the face was matched, with UTC offset.")
    reference: str = Field("", max_length=64, description="The partner's own record id.")
    idempotency_key: str = Field(max_length=64, description="Unique per message: a repeated "
                                 "message makes one verification.")
    score: Decimal | None = Field(None, ge=0, le=1, description="Match score 0–1 (optional; "
                                  "a pass below 0.80 is refused).")


class FaceReportOut(Schema):
    verification_id: int | None = Field(description="None when the result was `fail`.")
    verified_on: dt.date | None
    recorded: bool = Field(description="True when this message recorded a verification now.")
    duplicate: bool = Field(description="True when the idempotency key was seen before.")


@router.post("/life-verifications/face",
             response={200: FaceReportOut, 201: FaceReportOut, **ERROR_RESPONSES},
             summary="A partner reports a face-recognition result (生存认证)")
def face_result(request: HttpRequest, body: FaceResultIn) -> Status:
    """For partner systems only (role partner, `life.partner`; staff record verifications on
    the elder's payment page). The elder must live in the partner organisation's area:
    otherwise, or for an unknown ID number, 404. The answer never carries elder data.
    201 when recorded, 200 for a repeated idempotency key or a `fail` result."""
    report = partner.partner_report(
        actor=request.auth, id_number=body.id_number, method=body.method, result=body.result,
        at=body.at, reference=body.reference, idempotency_key=body.idempotency_key,
        score=body.score)
    row = report.verification
    duplicate = row is not None and not report.created
    return Status(201 if report.created else 200, {
        "verification_id": row.pk if row else None,
        "verified_on": row.verified_on if row else None,
        "recorded": report.created, "duplicate": duplicate})


from anlao.benefits.checks import api as checks_api  # noqa: E402, F401  (registers GET /runs/{id}/findings)
