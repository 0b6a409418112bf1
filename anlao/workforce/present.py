"""Turning stored claim explanations into sentences for people (pages and the Excel file)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anlao.core.money import format_fen
from anlao.workforce.models import SkillLevel


def level_label(code: str) -> str:
    return str(SkillLevel(code).label) if code in SkillLevel.values else _("no skill level")


def month_text(m: dict[str, Any]) -> str:
    why = {
        "paid": _("%(month)s: %(level)s at %(facility)s, %(amount)s"),
        "no_skill_level": _("%(month)s: frontline care at %(facility)s but no skill level, "
                            "nothing"),
        "not_employed_frontline": _("%(month)s: not in frontline care in a registered facility "
                                    "at month end, nothing"),
        "before_policy": _("%(month)s: before the subsidy started, nothing"),
    }[m["why"]]
    return why % {"month": m["month"], "level": level_label(m["level"]),
                  "facility": m["facility"], "amount": format_fen(m["fen"])}


def bonus_text(b: dict[str, Any]) -> str:
    return _("%(years)s full years of continuous work at %(facility)s, counted from "
             "%(start)s, completed on %(done)s: %(amount)s") % {
        "years": b["years"], "facility": b["facility"], "start": b["counted_from"],
        "done": b["completed_on"], "amount": format_fen(b["fen"])}


def break_text(b: dict[str, Any]) -> str:
    if b["reason"] == "job_change":
        msg = _("Continuity broken: left %(facility)s on %(ended)s, next job from %(next)s "
                "elsewhere; the three years count again from there.")
    else:
        msg = _("Continuity broken: gap at %(facility)s after %(ended)s, back on %(next)s; "
                "the three years count again from there.")
    return msg % {"facility": b["facility"], "ended": b["ended"], "next": b["next_start"]}


def line_texts(explanation: dict[str, Any]) -> list[str]:
    out = [month_text(m) for m in explanation.get("months", [])]
    out += [bonus_text(b) for b in explanation.get("bonuses", [])]
    out += [break_text(b) for b in explanation.get("breaks", [])]
    return out
