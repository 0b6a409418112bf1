"""Scoring an assessment: subtotals, total, initial level, the C.4 level changes, final level.

Pure: no database, no settings read unless asked (``LevelRules.from_settings()``). The same
rules exist twice, once for one assessment (``score``) and once as Polars expressions for many
(``score_frame``), and the tests check that the two agree on every input hypothesis can find.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext, gettext_noop

from anlao.assessments.instrument import Instrument, load

MAX_LEVEL = 4
RISK_WINDOW_DAYS = 30


@dataclass(frozen=True)
class LevelRules:
    """The two choices C.4 leaves open (DOMAIN.md §4), with the documented defaults.

    ``stack``: whether "mental disorder" and "two risk events" may each add a level (default:
    no, one level at most). ``events_across_types``: whether two events of different types
    count as two (default: yes); when false, two of the same type are needed.
    """

    stack: bool = False
    events_across_types: bool = True
    events_threshold: int = 2

    @classmethod
    def from_settings(cls) -> LevelRules:
        from django.conf import settings

        return cls(
            stack=settings.ASSESSMENT_LEVEL_CHANGES_STACK,
            events_across_types=settings.ASSESSMENT_RISK_EVENTS_ACROSS_TYPES,
        )


@dataclass(frozen=True)
class Conditions:
    """The facts C.4 looks at, besides the answers."""

    coma: bool = False
    dementia: bool = False  # ICD-10 F00–F03
    psychiatric_disorder: bool = False  # another mental disorder, diagnosed by a psychiatrist
    risk_events: Mapping[str, int] = field(default_factory=dict)  # type → count in 30 days


@dataclass(frozen=True)
class LevelChange:
    rule: str  # "coma" | "mental_disorder" | "risk_events"
    from_level: int
    to_level: int
    reason: str  # English template (translate with ``reason_text``)
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reason_text(change: Mapping[str, Any]) -> str:
    """A stored change's reason in the active language."""
    return gettext(change["reason"]) % change.get("params", {})


@dataclass(frozen=True)
class ScoreResult:
    answers: dict[str, int]
    subtotals: dict[str, int]  # dimension code ("B.1") → points
    total: int
    initial_level: int
    changes: tuple[LevelChange, ...]
    final_level: int

    def as_dict(self) -> dict[str, Any]:
        return {"answers": self.answers, "subtotals": self.subtotals, "total": self.total,
                "initial_level": self.initial_level,
                "changes": [c.as_dict() for c in self.changes],
                "final_level": self.final_level}


class AnswersInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
        self.errors = errors


# --- one assessment -------------------------------------------------------------------------

def check_answers(answers: Mapping[str, Any], *, complete: bool,
                  instrument: Instrument | None = None) -> dict[str, list[str]]:
    """Errors per item code: unknown items, values not among the item's scores, and (when
    ``complete``) missing items. Empty when the answers are acceptable."""
    inst = instrument or load()
    errors: dict[str, list[str]] = {}
    for code, value in answers.items():
        item = inst.item_map.get(code)
        if item is None:
            errors[code] = [gettext("Unknown item.")]
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
            errors[code] = [gettext("Choose a score between 0 and %(max)s.")
                            % {"max": item.max_score}]
    if complete:
        for code in missing_items(answers, inst):
            errors[code] = [gettext("This item is not answered.")]
    return errors


def missing_items(answers: Mapping[str, Any], instrument: Instrument | None = None) -> list[str]:
    inst = instrument or load()
    return [c for c in inst.item_codes if answers.get(c) is None]


def level_for_total(total: int, instrument: Instrument | None = None) -> int:
    inst = instrument or load()
    for band in inst.levels:
        if band.min_total <= total <= band.max_total:
            return band.level
    raise ValueError(f"total {total} is outside 0–{inst.max_total}")


def risk_events_qualify(events: Mapping[str, int], rules: LevelRules) -> bool:
    counts = [int(n) for n in events.values() if n]
    if rules.events_across_types:
        return sum(counts) >= rules.events_threshold
    return any(n >= rules.events_threshold for n in counts)


def apply_level_changes(initial: int, conditions: Conditions,
                        rules: LevelRules | None = None) -> tuple[int, tuple[LevelChange, ...]]:
    """C.4: coma → 4; mental disorder → +1; two or more risk events → +1; never above 4.

    Every rule whose condition holds is recorded, also when it moved nothing (already at 4,
    or not stacked), so the report shows all the reasoning."""
    rules = rules or LevelRules()
    level, changes = initial, []
    if conditions.coma:
        coma = gettext_noop("In a coma: fully disabled.")
        changes.append(LevelChange("coma", level, MAX_LEVEL, coma))
        level = MAX_LEVEL
    bumps = []
    if conditions.dementia or conditions.psychiatric_disorder:
        reason = (gettext_noop("Dementia (ICD-10 F00–F03): one level up.")
                  if conditions.dementia else
                  gettext_noop("Mental disorder diagnosed by a psychiatrist: one level up."))
        bumps.append(("mental_disorder", reason, {}))
    if risk_events_qualify(conditions.risk_events, rules):
        n = sum(int(v) for v in conditions.risk_events.values() if v)
        risk = gettext_noop("%(n)s care-risk events in the 30 days before the assessment: "
                            "one level up.")
        bumps.append(("risk_events", risk, {"n": n}))
    for step, (rule, reason, params) in enumerate(bumps):
        new = min(level + 1, MAX_LEVEL) if (rules.stack or step == 0) else level
        if new == level and level < MAX_LEVEL:
            reason = gettext_noop("Not applied: level changes do not stack.")
        changes.append(LevelChange(rule, level, new, reason, params))
        level = new
    return level, tuple(changes)


def score(answers: Mapping[str, Any], conditions: Conditions | None = None,
          rules: LevelRules | None = None, instrument: Instrument | None = None) -> ScoreResult:
    """Score a complete set of answers; ``AnswersInvalid`` if any is missing or out of range."""
    inst = instrument or load()
    errors = check_answers(answers, complete=True, instrument=inst)
    if errors:
        raise AnswersInvalid(errors)
    clean = {c: int(answers[c]) for c in inst.item_codes}
    subtotals = {d.code: sum(clean[i.code] for i in d.items) for d in inst.dimensions}
    total = sum(subtotals.values())
    initial = level_for_total(total, inst)
    final, changes = apply_level_changes(initial, conditions or Conditions(), rules)
    return ScoreResult(clean, subtotals, total, initial, changes, final)


def partial_subtotals(answers: Mapping[str, Any],
                      instrument: Instrument | None = None) -> dict[str, int]:
    """Points so far per dimension, for a draft's running display (missing items count 0)."""
    inst = instrument or load()
    return {d.code: sum(int(answers.get(i.code) or 0) for i in d.items) for d in inst.dimensions}


# --- many assessments (Polars) --------------------------------------------------------------

def subtotal_column(dimension_key: str) -> str:
    return f"subtotal_{dimension_key}"


def risk_column(event_code: str) -> str:
    return f"risk_{event_code}"


def level_expr(total: pl.Expr, instrument: Instrument | None = None) -> pl.Expr:
    """The initial level for a total column, from the instrument's bands."""
    inst = instrument or load()
    bands = sorted(inst.levels, key=lambda b: -b.min_total)
    expr = pl.when(total >= bands[0].min_total).then(pl.lit(bands[0].level))
    for band in bands[1:]:
        expr = expr.when(total >= band.min_total).then(pl.lit(band.level))
    return expr.otherwise(pl.lit(None)).cast(pl.Int8)


def score_frame(frame: pl.DataFrame | pl.LazyFrame, rules: LevelRules | None = None,
                instrument: Instrument | None = None) -> pl.DataFrame | pl.LazyFrame:
    """Add subtotal_<dimension>, total, initial_level and final_level to a frame with one
    integer column per item code ("B.1.1" …). Optional columns: ``coma``, ``dementia``,
    ``psychiatric_disorder`` (booleans) and ``risk_<event>`` counts; missing ones count as
    false/0. Answers are assumed valid (check them with ``check_answers`` or at insert)."""
    inst, rules = instrument or load(), rules or LevelRules()
    names = frame.collect_schema().names()

    def flag(name: str) -> pl.Expr:
        return pl.col(name).fill_null(False) if name in names else pl.lit(False)

    counts = [pl.col(risk_column(c)).fill_null(0) for c in inst.risk_event_codes
              if risk_column(c) in names] or [pl.lit(0)]
    events = pl.sum_horizontal(counts) if rules.events_across_types else pl.max_horizontal(
        counts)
    bump = ((flag("dementia") | flag("psychiatric_disorder")).cast(pl.Int8)
            + (events >= rules.events_threshold).cast(pl.Int8))
    if not rules.stack:
        bump = pl.min_horizontal(bump, pl.lit(1, pl.Int8))
    subtotals = [pl.sum_horizontal([pl.col(i.code) for i in d.items]).alias(
        subtotal_column(d.key)) for d in inst.dimensions]
    total = pl.sum_horizontal([pl.col(subtotal_column(d.key)) for d in inst.dimensions])
    return (
        frame.with_columns(subtotals)
        .with_columns(total.cast(pl.Int16).alias("total"))
        .with_columns(level_expr(pl.col("total"), inst).alias("initial_level"))
        .with_columns(
            pl.when(flag("coma")).then(pl.lit(MAX_LEVEL))
            .otherwise(pl.min_horizontal(pl.col("initial_level") + bump, pl.lit(MAX_LEVEL)))
            .cast(pl.Int8).alias("final_level")
        )
    )
