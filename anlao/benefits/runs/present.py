"""Shape a run for its page, in plain words: state, buttons, totals, changes, and what it
pays besides entitlements (a supplementary run's failed lines and back-pay, a regular run's
deductions for overpayments)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anlao.benefits.models import BenefitRun, RunKind, RunState
from anlao.benefits.policy import labels
from anlao.benefits.policy.programs import load_programs
from anlao.benefits.runs import recovery, selectors
from anlao.core.money import format_fen
from anlao.core.roles import has_perm

ACTIVE_STEPS = ("queued", "load", "evaluate", "write", "changes")
LIMIT = 200  # rows shown per table; the bank file and the PDF hold them all


def owed_context(actor: Any, run: BenefitRun) -> dict[str, Any]:
    if run.kind == RunKind.SUPPLEMENTARY:
        return supplementary_context(actor, run)
    rows = selectors.run_deductions(actor=actor, run=run, limit=LIMIT)
    elders = selectors.elders_by_id(actor=actor, ids=[d.elder_id for d in rows])
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
    resends = selectors.run_resends(actor=actor, run=run, limit=LIMIT)
    back = selectors.run_backpays(actor=actor, run=run, limit=LIMIT)
    elders = selectors.elders_by_id(actor=actor, ids=[r.elder_id for r in resends] +
                                    [b.elder_id for b in back])
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


def _buttons(actor: Any, run: BenefitRun) -> list[tuple[str, str, str]]:
    """(action, label, css) the actor may press now; services re-check every rule."""
    out = []
    if has_perm(actor, "benefit.compute") and not run.frozen:
        out.append(("compute", _("Compute again") if run.computed_at else _("Compute"),
                    "btn-outline-primary"))
    if run.state == RunState.COMPUTED and has_perm(actor, "benefit.compute"):
        out.append(("review", _("Mark reviewed"), "btn-outline-success"))
    if (run.state == RunState.REVIEWED and has_perm(actor, "benefit.approve")
            and run.computed_by_id != actor.pk):  # four-eyes: not who computed it
        out.append(("approve", _("Approve"), "btn-success"))
    if run.state == RunState.APPROVED and has_perm(actor, "payment.manage"):
        out.append(("export", _("Export to the bank"), "btn-outline-secondary"))
    supplementary = run.kind == RunKind.SUPPLEMENTARY
    if has_perm(actor, "benefit.compute") and supplementary and not run.frozen:
        out.append(("discard", _("Discard this supplementary run"), "btn-outline-danger"))
    if has_perm(actor, "benefit.compute") and not supplementary and \
            run.state == RunState.EXPORTED:
        out.append(("supplement", _("New supplementary run"), "btn-outline-primary"))
    return out


def run_context(actor: Any, run: BenefitRun, lang: str, kind: str = "") -> dict[str, Any]:
    program = load_programs().get(run.program)
    s = run.summary or {}
    diff = s.get("diff") or {}
    changes = [{"change": c, "elder": e, "kind": labels.KINDS.get(c.kind, c.kind),
                "reason": labels.reason_label(c.reason), "old": format_fen(c.old_fen),
                "new": format_fen(c.new_fen)}
               for c, e in selectors.run_changes(actor=actor, run=run, kind=kind)]
    return {
        "run": run, "program_name": program.title(lang) if program else run.program,
        "buttons": _buttons(actor, run), "busy": run.progress_step in ACTIVE_STEPS,
        "step": labels.STEPS.get(run.progress_step, ""),
        "four_eyes_note": run.state == RunState.REVIEWED and run.computed_by_id == actor.pk,
        "streets": [{**row, "total": format_fen(row["total_fen"])} for row in s.get("streets", [])],
        "communities": [{**row, "total": format_fen(row["total_fen"])}
                        for row in s.get("communities", [])],
        "diff": [(k, labels.KINDS[k], diff.get(k, 0)) for k in labels.KINDS],
        "has_previous": bool(s.get("previous_run")), "previous_period": s.get("previous_period"),
        "diff_reasons": [(labels.KINDS.get(k, k), labels.reason_label(r), n)
                         for k, r, n in s.get("diff_reasons", [])],
        "changes": changes, "kind": kind, "kind_label": labels.KINDS.get(kind, ""),
    }
