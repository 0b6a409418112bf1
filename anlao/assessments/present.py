"""How an assessment reads on a page and in the printed report (UI layer; no writes, no reads
beyond the assessment already fetched through a scoped selector)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anlao.assessments.forms import wording
from anlao.assessments.instrument import Dimension, Instrument, load
from anlao.assessments.models import Assessment, AssessmentState
from anlao.assessments.scoring import missing_items, partial_subtotals, reason_text

STATE_BADGES = {
    AssessmentState.DRAFT: "text-bg-secondary",
    AssessmentState.SUBMITTED: "text-bg-info",
    AssessmentState.REVIEWED: "text-bg-primary",
    AssessmentState.FINAL: "text-bg-success",
}
LEVEL_BADGES = ["lv0", "lv1", "lv2", "lv3", "lv4"]


def level_text(level: int | None, inst: Instrument | None = None) -> str:
    """``2`` → "2级 中度失能" / "Level 2 · moderately disabled"; "" for no level."""
    if level is None:
        return ""
    band = (inst or load()).level_band(level)
    return _("Level %(level)s · %(name)s") % {"level": level, "name": wording(band)}


def option_text(item: Any, score: int | None) -> str:
    if score is None:
        return ""
    found = next((o for o in item.options if o.score == score), None)
    return wording(found) if found else ""


def dimension_rows(a: Assessment, inst: Instrument | None = None) -> list[dict[str, Any]]:
    """Per dimension: its items with the chosen score and the option's wording, and the
    subtotal (the stored one once submitted, the running one for a draft)."""
    inst = inst or load()
    answers = a.answers or {}
    subtotals = a.subtotals or partial_subtotals(answers, inst)
    return [{
        "code": d.code, "name": wording(d), "max": d.max_score,
        "subtotal": subtotals.get(d.code, 0),
        "answered": sum(1 for i in d.items if answers.get(i.code) is not None),
        "items": [{"code": i.code, "name": wording(i), "max": i.max_score,
                   "score": answers.get(i.code),
                   "option": option_text(i, answers.get(i.code))} for i in d.items],
    } for d in inst.dimensions]


def change_rows(a: Assessment, inst: Instrument | None = None) -> list[dict[str, Any]]:
    return [{"from": level_text(c.get("from_level"), inst),
             "to": level_text(c.get("to_level"), inst),
             "moved": c.get("from_level") != c.get("to_level"), "reason": reason_text(c)}
            for c in (a.level_changes or [])]


def risk_rows(a: Assessment, inst: Instrument | None = None) -> list[dict[str, Any]]:
    inst = inst or load()
    events = a.risk_events or {}
    return [{"name": wording(e), "count": events.get(e.code, 0)} for e in inst.risk_events
            if events.get(e.code)]


def conditions(a: Assessment) -> list[str]:
    """The C.4 diagnoses that hold, as words."""
    flags = ((a.coma, _("coma")), (a.dementia, _("dementia")),
             (a.psychiatric_disorder, _("mental disorder")))
    return [label for on, label in flags if on]


def summary(a: Assessment, inst: Instrument | None = None) -> dict[str, Any]:
    """Everything the detail page and the PDF show about the result."""
    inst = inst or load()
    answers = a.answers or {}
    total = a.total if a.total is not None else sum(partial_subtotals(answers, inst).values())
    return {
        "dimensions": dimension_rows(a, inst), "total": total, "max_total": inst.max_total,
        "initial_level": level_text(a.initial_level, inst),
        "final_level": level_text(a.final_level, inst),
        "changes": change_rows(a, inst), "risks": risk_rows(a, inst),
        "conditions": conditions(a),
        "missing": missing_items(answers, inst), "state_badge": STATE_BADGES.get(a.state, ""),
        "is_result": a.state != AssessmentState.DRAFT,
    }


def dimension_label(d: Dimension) -> str:
    return f"{d.code} {wording(d)}"
