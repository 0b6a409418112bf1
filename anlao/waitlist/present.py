"""Words for the waitlist pages: class rules and events said in plain language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.waitlist.queue import Move

FACT_LABELS = {
    "extreme_poverty": gettext_lazy("extreme poverty (特困) support"),
    "dibao": gettext_lazy("dibao household"),
    "near_dibao": gettext_lazy("near-dibao household"),
    "bereaved_one_child_family": gettext_lazy("bereaved one-child family"),
    "entitled_veteran": gettext_lazy("entitled veteran"),
    "disabled": gettext_lazy("disabled (ability level 1 or more)"),
    "demented": gettext_lazy("demented (current assessment)"),
    "disabled_or_demented": gettext_lazy("disabled or demented"),
    "severe_disability": gettext_lazy("severe disability (grade 1–2)"),
    "disability_grade": gettext_lazy("disability grade"),
    "ability_level": gettext_lazy("ability level"),
    "age": gettext_lazy("age"),
}

EVENT_TEXT = {
    "applied": gettext_lazy("%(who)s applied"),
    "class_set": gettext_lazy("%(who)s was placed in class “%(cls)s”"),
    "offered": gettext_lazy("A bed was offered to %(who)s"),
    "accepted": gettext_lazy("%(who)s accepted the offered bed"),
    "declined": gettext_lazy("%(who)s declined the offered bed"),
    "lapsed": gettext_lazy("The bed offered to %(who)s was not taken in time"),
    "withdrawn": gettext_lazy("%(who)s withdrew"),
    "admitted": gettext_lazy("%(who)s was admitted"),
}


def condition_text(fact: str, cond: Any) -> str:
    label = str(FACT_LABELS.get(fact, fact))
    if cond is True:
        return label
    if cond is False:
        return _("not %(fact)s") % {"fact": label}
    lo, hi = cond.get("min"), cond.get("max")
    if lo is not None and hi is not None:
        return _("%(fact)s %(lo)s to %(hi)s") % {"fact": label, "lo": lo, "hi": hi}
    if lo is not None:
        return _("%(fact)s %(lo)s or more") % {"fact": label, "lo": lo}
    return _("%(fact)s %(hi)s or less") % {"fact": label, "hi": hi}


def rule_text(rule: dict[str, Any] | None) -> str:
    if not rule:
        return _("no special condition (everyone else)")
    return _(" and ").join(condition_text(f, c) for f, c in rule.items())


def class_rules(policy: Any) -> list[dict[str, Any]]:
    """The policy's classes in order, each with its rules in words (for the public page)."""
    return [{"code": c.code, "label": _(c.label), "rules": [rule_text(r) for r in c.rules]}
            for c in policy.classes]


MY_EVENT_TEXT = {
    "applied": gettext_lazy("You applied"),
    "class_set": gettext_lazy("You were placed in class “%(cls)s”"),
    "offered": gettext_lazy("A bed was offered to you"),
    "accepted": gettext_lazy("You accepted the offered bed"),
    "declined": gettext_lazy("You declined the offered bed"),
    "lapsed": gettext_lazy("The bed offered to you was not taken in time"),
    "withdrawn": gettext_lazy("You withdrew"),
    "admitted": gettext_lazy("You were admitted"),
}


def event_text(kind: str, who: str | None, class_label: str = "") -> str:
    """``who`` None means the reader's own application."""
    text = MY_EVENT_TEXT if who is None else EVENT_TEXT
    return str(text.get(kind, kind)) % {"who": who, "cls": class_label}


def move_rows(moves: list[Move], me: int, names: dict[int, str], policy: Any
              ) -> list[dict[str, Any]]:
    """Rows for "how my number changed": when, what happened, number before and after."""
    rows = []
    for m in moves:
        ev = m.event
        who = None if ev.application_id == me else names.get(ev.application_id, "—")
        rows.append({"at": ev.at, "text": event_text(ev.kind, who,
                                                      _(policy.class_label(
                                                          ev.data.get("class", "")))),
                     "before": m.before, "after": m.after, "mine": ev.application_id == me})
    return rows


# The shipped policy's class labels, so that makemessages finds them (they live in YAML).
SHIPPED_CLASS_LABELS = (
    gettext_lazy("Extreme poverty (admitted on request)"), gettext_lazy("Priority"),
    gettext_lazy("Disabled, demented or 80+"), gettext_lazy("Other"),
)
