"""Benefit runs over JSON. Reads through selectors only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from anlao.benefits.models import BenefitRun
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
    qs = selectors.runs_for(actor=request.auth, program=filters.program, period=filters.period)
    return paginate(qs, paging, _run)


@router.get("/runs/{run_id}", response={200: RunDetailOut, **ERROR_RESPONSES},
            summary="One benefit run")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = selectors.run_get(actor=request.auth, run_id=run_id)
    s = run.summary or {}
    return {**_run(run), "diff": s.get("diff") or {}, "previous_period": s.get("previous_period"),
            "streets": s.get("streets", []), "progress_step": run.progress_step,
            "progress_done": run.progress_done, "progress_total": run.progress_total}
