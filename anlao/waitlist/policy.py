"""The waitlist policy: classes, their order and queue settings, read from YAML data.

Conditions are data, never code: a rule is a mapping ``fact → true|false|{min, max}`` and is
checked by :func:`rule_matches`; nothing is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DEFAULT_PATH = Path(__file__).parent / "data" / "classes-default.yaml"

FACTS = frozenset({
    "extreme_poverty", "dibao", "near_dibao", "bereaved_one_child_family", "entitled_veteran",
    "disabled", "demented", "disabled_or_demented", "severe_disability", "disability_grade",
    "age", "ability_level",
})


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class QueueClass:
    code: str
    label: str
    rules: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class WaitlistPolicy:
    id: str
    classes: tuple[QueueClass, ...]
    offer_working_days: int = 5
    max_declines: int = 2
    withdrawals_max: int = 2
    withdrawals_window_days: int = 365
    withdrawals_bar_days: int = 365
    rank: dict[str, int] = field(default_factory=dict)

    def class_rank(self, code: str) -> int:
        # An unknown class (from an older policy) sorts after every known one.
        return self.rank.get(code, len(self.classes))

    def class_label(self, code: str) -> str:
        return next((c.label for c in self.classes if c.code == code), code)


def _check_condition(fact: str, cond: Any) -> None:
    if fact not in FACTS:
        raise PolicyError(f"unknown fact {fact!r}")
    if isinstance(cond, bool):
        return
    if isinstance(cond, dict) and cond and set(cond) <= {"min", "max"} and all(
            isinstance(v, int) and not isinstance(v, bool) for v in cond.values()):
        return
    raise PolicyError(f"condition on {fact!r} must be true/false or {{min, max}} integers")


def parse_policy(data: dict[str, Any]) -> WaitlistPolicy:
    """Validate the YAML mapping and build the policy; raises PolicyError with the reason."""
    classes = []
    for raw in data.get("classes") or []:
        if not raw.get("code") or not isinstance(raw.get("rules"), list):
            raise PolicyError("every class needs a code and a list of rules")
        for rule in raw["rules"]:
            if not isinstance(rule, dict):
                raise PolicyError(f"class {raw['code']}: a rule is a mapping of conditions")
            for fact, cond in rule.items():
                _check_condition(fact, cond)
        classes.append(QueueClass(raw["code"], raw.get("label", raw["code"]),
                                  tuple(raw["rules"])))
    if not classes:
        raise PolicyError("the policy has no classes")
    codes = [c.code for c in classes]
    if len(set(codes)) != len(codes):
        raise PolicyError("class codes must be unique")
    wd = data.get("withdrawals") or {}
    return WaitlistPolicy(
        id=str(data.get("id", "waitlist")), classes=tuple(classes),
        offer_working_days=int(data.get("offer_working_days", 5)),
        max_declines=int(data.get("max_declines", 2)),
        withdrawals_max=int(wd.get("max_in_window", 2)),
        withdrawals_window_days=int(wd.get("window_days", 365)),
        withdrawals_bar_days=int(wd.get("bar_days", 365)),
        rank={c: i for i, c in enumerate(codes)},
    )


@lru_cache(maxsize=4)
def _load(path: str) -> WaitlistPolicy:
    with open(path, encoding="utf-8") as fh:
        return parse_policy(yaml.safe_load(fh))


def load_policy() -> WaitlistPolicy:
    """The deployment's policy: settings.WAITLIST_POLICY_FILE, else the shipped default."""
    return _load(str(settings.WAITLIST_POLICY_FILE or DEFAULT_PATH))


def condition_holds(value: Any, cond: Any) -> bool:
    if isinstance(cond, bool):
        return bool(value) is cond
    if value is None:
        return False
    return cond.get("min", value) <= value <= cond.get("max", value)


def rule_matches(facts: dict[str, Any], rule: dict[str, Any]) -> bool:
    return all(condition_holds(facts.get(f), c) for f, c in rule.items())


def classify(policy: WaitlistPolicy, facts: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The first class with a matching rule, and that rule (for the "why" page)."""
    for qc in policy.classes:
        for rule in qc.rules:
            if rule_matches(facts, rule):
                return qc.code, rule
    return policy.classes[-1].code, None
