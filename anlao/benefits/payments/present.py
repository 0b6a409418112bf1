"""The payments card of a run's page: back-pay, export totals, the return file's status."""

from __future__ import annotations

from typing import Any

from anlao.benefits.models import RunState
from anlao.benefits.payments import selectors
from anlao.core.money import format_fen
from anlao.core.roles import has_perm


def payment_context(actor: Any, run: Any) -> dict[str, Any]:
    """The payments card of the run page (back-pay, export totals, return-file status)."""
    s = run.summary or {}
    back = s.get("backpay") or {}
    ctx: dict[str, Any] = {"backpay": {**back, "total": format_fen(back.get("total_fen", 0))}
                           if back.get("lines") else None}
    if run.state != RunState.EXPORTED or not has_perm(actor, "payment.view"):
        return ctx
    e = s.get("export") or {}
    ctx["pay"] = {
        "lines": e.get("lines", 0), "total": format_fen(e.get("total_fen", 0)),
        "regular": format_fen(e.get("regular_fen", 0)),
        "backpay": format_fen(e.get("backpay_fen", 0)),
        "carried": format_fen(e.get("carried_fen", 0)),
        "bank_lines": e.get("bank_lines", 0), "bank": format_fen(e.get("bank_fen", 0)),
        "held": e.get("held", 0), "held_total": format_fen(e.get("held_fen", 0)),
        # Regular lines + deductions (recovery.py) = the run; a supplementary run: every line.
        "reconciles": (e.get("total_fen") if run.kind == "supplementary" else
                       (e.get("regular_fen") or 0) + e.get("deducted_fen", 0)) == run.total_fen,
        "status": selectors.payment_status(run),
        "problems": selectors.failed_lines(run),
        "can_import": has_perm(actor, "payment.manage"),
    }
    return ctx
