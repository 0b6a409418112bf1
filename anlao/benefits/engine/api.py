"""Why one elder gets what they get, over JSON (the run's own code path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from anlao.benefits.engine import selectors
from anlao.benefits.engine.evaluation import Explanation
from anlao.benefits.policy import labels
from anlao.core.api_support import ERROR_RESPONSES

router = Router(tags=["benefits"])


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
