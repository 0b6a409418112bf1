"""GET the check findings of a run over JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from anlao.benefits.checks import selectors
from anlao.benefits.models import CheckFinding
from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate

router = Router(tags=["benefits"])


class RunFindingOut(Schema):
    id: int
    rule: str = Field(description="deceased_or_moved, id_in_two_districts, shared_account, "
                                  "implausible_age or exclusive_programs")
    elder_id: int
    detail: dict[str, Any] = Field(description="What the rule found; account numbers masked.")
    status: str = Field(description="open, confirmed or dismissed")
    note: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None


class FindingFilters(Schema):
    rule: str = ""
    status: str = ""


def _finding(f: CheckFinding) -> dict[str, Any]:
    return {"id": f.pk, "rule": f.rule, "elder_id": f.elder_id, "detail": f.detail,
            "status": f.status, "note": f.note,
            "reviewed_by": f.reviewed_by.username if f.reviewed_by else None,
            "reviewed_at": f.reviewed_at}


@router.get("/runs/{run_id}/findings", response={200: Page[RunFindingOut], **ERROR_RESPONSES},
            summary="Check findings of a run (fraud and error)")
def findings(request: HttpRequest, run_id: int, filters: Query[FindingFilters],
             paging: Query[PageParams]) -> dict[str, Any]:
    """Findings of the checks run with the run's last computation (needs `benefit.view`;
    a run outside your jurisdiction is 404)."""
    run = selectors.run_for_findings(actor=request.auth, run_id=run_id)
    qs = selectors.findings_for(actor=request.auth, run=run, rule=filters.rule,
                                    status=filters.status)
    return paginate(qs, paging, _finding)
