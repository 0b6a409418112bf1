"""Skill tags and certificate levels as words: the tags are free lower-case words (catalog rule),
the common ones read in the interface's language; unknown tags show as typed."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from anlao.workforce.models import SkillLevel

SKILL_LABELS = {
    "bathing": pgettext_lazy("caregiver skill", "bathing"),
    "nursing": pgettext_lazy("caregiver skill", "nursing"),
    "escort": pgettext_lazy("caregiver skill", "escort"),
}


def skill_label(code: str | None) -> str:
    return str(SKILL_LABELS.get(code or "", code or ""))


def level_label(code: str | None) -> str:
    """A SkillLevel code as its label ("level5" → "Level 5 / junior worker"); blank stays blank."""
    if not code:
        return ""
    return str(SkillLevel(code).label) if code in SkillLevel.values else code
