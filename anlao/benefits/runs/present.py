"""Shape programs, runs and explanations for templates and the API, in plain words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anlao.benefits.engine.evaluation import Explanation
from anlao.benefits.models import BenefitRun, RunKind, RunState
from anlao.benefits.policy import labels
from anlao.benefits.policy.programs import Program, Tier, Version, load_programs
from anlao.benefits.runs import selectors
from anlao.core.money import format_fen
from anlao.core.roles import has_perm

ACTIVE_STEPS = ("queued", "load", "evaluate", "write", "changes")


def _range_text(dim: str, lo: int, hi: int | None) -> str:
    name = str(labels.DIMENSIONS[dim])
    if hi is None:
        return _("%(name)s %(lo)s and over") % {"name": name, "lo": lo}
    if lo == hi:
        return f"{name} {lo}"
    return _("%(name)s %(lo)s to %(hi)s") % {"name": name, "lo": lo, "hi": hi}


def tier_context(t: Tier, lang: str) -> dict[str, Any]:
    parts = [_range_text(d, lo, hi) for d, (lo, hi) in t.ranges.items()]
    if t.category:
        parts.append(t.label[lang])
    return {"code": t.code, "label": t.label[lang], "who": "; ".join(parts) or t.label[lang],
            "amount": format_fen(t.amount_fen), "amount_fen": t.amount_fen, "verify": t.verify}


def version_context(v: Version, lang: str) -> dict[str, Any]:
    return {
        "effective_from": v.effective_from, "effective_to": v.effective_to,
        "payment": labels.PAYMENT[v.payment], "tier_change": labels.TIER_CHANGE[v.tier_change],
        "death": labels.STOP_TIMING[v.stop["deceased"]],
        "moved_out": labels.STOP_TIMING[v.stop["moved_out"]],
        "checks": [{"label": c.label[lang], "text": c.text,
                    "stop_reason": labels.reason_label(c.stop_reason)} for c in v.checks],
        "tiers": [tier_context(t, lang) for t in v.tiers],
        "several_categories": len({t.category for t in v.tiers if t.category}) > 1,
        "exclusive_with": v.exclusive_with, "notes": v.notes,
        "quarterly": v.payment == "quarterly",
    }


def program_context(p: Program, lang: str) -> dict[str, Any]:
    verify = any("[verify]" in t.verify for v in p.versions for t in v.tiers) or any(
        "[verify]" in str(x.get("verify", "")) for x in p.params.values())
    return {
        "code": p.code, "name": p.name[lang], "summary": p.summary[lang],
        "jurisdiction": p.jurisdiction, "sources": p.sources, "notes": p.notes,
        "file": p.file, "digest": p.digest, "verify": verify,
        "params": [{"name": k, "label": v["label"][lang], "value": format_fen(v["value"]),
                    "verify": v["verify"]} for k, v in p.params.items()],
        "versions": [version_context(v, lang) for v in p.versions],
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


def explanation_context(actor: Any, why: Explanation, lang: str) -> dict[str, Any]:
    program = load_programs()[why.program]
    months = []
    for m in why.months:
        months.append({"month": m.month, "age": m.age, "status": m.status,
                       "amount": format_fen(m.amount_fen), "tier": m.tier,
                       "checks": [{"label": c.label[lang], "text": c.text, "passed": c.passed,
                                   "leaves": c.leaves} for c in m.checks]})
    return {"why": why, "program_name": program.title(lang), "months": months,
            "amount": format_fen(why.amount_fen), "reason": labels.reason_label(why.fail)
            if why.fail and why.fail.startswith("exclusive:") else labels.reason_label(why.reason),
            "paid": why.amount_fen > 0}
