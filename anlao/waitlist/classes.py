"""An elder's facts for the class rules, and the class they give.

Mapping from the registry (documented in docs/waitlist.md):
- ``disabled``: the elder's ability level (set by the latest final assessment) is 1 or more
  (GB/T 42195: 0 = able, 1 mild … 4 complete loss of ability).
- ``demented``: the current final assessment's dementia flag (ICD-10 F00–F03).
- ``severe_disability``: disability certificate grade 1 or 2.
- ``age``: whole years on the day the class is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anlao.people.models import Elder
from anlao.waitlist.policy import WaitlistPolicy, classify


def elder_facts(elder: Elder, *, on: dt.date, demented: bool) -> dict[str, Any]:
    level = elder.ability_level
    disabled = level is not None and level >= 1
    grade = elder.disability_grade
    return {
        "extreme_poverty": elder.extreme_poverty, "dibao": elder.dibao,
        "near_dibao": elder.near_dibao,
        "bereaved_one_child_family": elder.bereaved_one_child_family,
        "entitled_veteran": elder.entitled_veteran,
        "disabled": disabled, "demented": demented,
        "disabled_or_demented": disabled or demented,
        "severe_disability": grade is not None and 1 <= grade <= 2,
        "disability_grade": grade, "ability_level": level, "age": elder.age_on(on),
    }


def is_demented(elder: Elder) -> bool:
    from anlao.assessments.models import Assessment

    return Assessment.objects.filter(elder=elder, is_current=True, dementia=True).exists()


def elder_class(policy: WaitlistPolicy, elder: Elder, *, on: dt.date
                ) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    """(class code, the rule that matched, the facts) for one elder."""
    facts = elder_facts(elder, on=on, demented=is_demented(elder))
    code, rule = classify(policy, facts)
    return code, rule, facts
