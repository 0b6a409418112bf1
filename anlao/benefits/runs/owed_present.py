"""What a run pays besides entitlements, for its page: a supplementary run's failed lines and
back-pay (supplementary.py), and a regular run's deductions for overpayments (recovery.py).
"""

from __future__ import annotations

from typing import Any

from anlao.benefits.models import BackPay, BenefitRun, Deduction, Resend, RunKind
from anlao.benefits.runs import recovery
from anlao.core.money import format_fen
from anlao.people.selectors import elders_visible

LIMIT = 200  # rows shown per table; the bank file and the PDF hold them all


def _elders(actor: Any, ids: list[int]) -> dict[int, Any]:
    return elders_visible(actor).in_bulk(ids)


def owed_context(actor: Any, run: BenefitRun) -> dict[str, Any]:
    if run.kind == RunKind.SUPPLEMENTARY:
        return supplementary_context(actor, run)
    rows = list(Deduction.objects.filter(run=run).select_related(
        "overpayment", "overpayment__source_run").order_by("elder_id")[:LIMIT])
    elders = _elders(actor, [d.elder_id for d in rows])
    s = (run.summary or {}).get("deductions") or {}
    return {"supplementary": False, "deductions": [
        {"elder": elders.get(d.elder_id), "amount": format_fen(d.amount_fen),
         "source_period": d.overpayment.source_run.period,
         "owed": format_fen(d.overpayment.amount_fen - d.overpayment.recovered_fen),
         "overpaid": format_fen(d.overpayment.amount_fen)}
        for d in rows if d.elder_id in elders],
        "deducted_total": format_fen(s.get("total_fen", 0)),
        "deducted_count": s.get("count", 0), "recovery_share": recovery.share()}


def supplementary_context(actor: Any, run: BenefitRun) -> dict[str, Any]:
    resends = list(Resend.objects.filter(run=run).select_related("payment", "payment__run")
                   .order_by("community_code", "elder_id")[:LIMIT])
    back = list(BackPay.objects.filter(run=run).order_by("community_code", "elder_id",
                                                         "month")[:LIMIT])
    elders = _elders(actor, [r.elder_id for r in resends] + [b.elder_id for b in back])
    s = (run.summary or {}).get("supplementary") or {}
    return {
        "supplementary": True,
        "resends": [{"elder": elders.get(r.elder_id), "period": r.payment.run.period,
                     "line": r.payment.line, "status": r.payment.get_status_display(),
                     "reason": r.payment.fail_reason, "amount": format_fen(r.amount_fen)}
                    for r in resends if r.elder_id in elders],
        "backpays": [{"elder": elders.get(b.elder_id), "month": b.month,
                      "amount": format_fen(b.amount_fen)} for b in back
                     if b.elder_id in elders],
        "resend_total": format_fen(s.get("resend_fen", 0)),
        "backpay_total": format_fen(s.get("backpay_fen", 0)),
        "resend_count": s.get("resend_lines", 0), "backpay_count": s.get("backpay_lines", 0),
    }
