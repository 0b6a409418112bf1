"""Evaluate a program's policy over a frame of elders (Polars), for one payment period.

``evaluate`` serves the monthly run over millions of rows; ``explain`` runs the very same
functions on a one-row frame and also records every sub-condition, so a "why" answer can
never disagree with the run.

The frame has one row per elder with the raw registry columns (see ``frame.SCHEMA``);
``derive`` adds what depends on the period: age on the reference day and the status in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from anlao.benefits.policy.conditions import FIELDS, parse
from anlao.benefits.policy.programs import Check, LifeSchedule, Program, Version
from anlao.core.periods import add_months, month_end

# Death and moving out are checked before the program's own conditions, always.
IMPLICIT_CHECKS = (
    Check("alive", "status != 'deceased'", parse("status != 'deceased'"),
          {"en": "alive in the month", "zh": "当月在世"}, "deceased"),
    Check("resident", "status != 'moved_out'", parse("status != 'moved_out'"),
          {"en": "not moved out", "zh": "未迁出"}, "hukou_moved"),
)

# Added after them when the policy has a life_verification schedule (生存认证).
LIFE_CHECK = Check("life_verified", "life_verified", parse("life_verified"),
                   {"en": "life verification current", "zh": "已按期生存认证"}, "not_verified")


def period_months(program_version: Version, start: dt.date) -> list[dt.date]:
    """The months one payment covers: quarterly programs pay three months in advance."""
    return [add_months(start, i) for i in range(program_version.months_per_payment)]


def age_expr(column: str, on: dt.date) -> pl.Expr:
    """Completed years (周岁) on ``on``; same rule as people.idnumbers.age_on."""
    b = pl.col(column)
    before_birthday = (b.dt.month().cast(pl.Int32) * 100 + b.dt.day().cast(pl.Int32)) > (
        on.month * 100 + on.day)
    return (pl.lit(on.year) - b.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32))


def _stopped(status: str, timing: str, month: dt.date) -> pl.Expr:
    """True when a stored status (deceased / moved_out) already stops payment in ``month``."""
    d = pl.col("status_date")
    index = d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32) - 1
    if timing == "month_after":
        index = index + 1
    target = month.year * 12 + month.month - 1
    return (pl.col("stored_status") == status) & (d.is_null() | (index <= target))


def verification_due(life: LifeSchedule, month: dt.date) -> dt.date | None:
    """The due month whose deadline (due month + grace) passed most recently before ``month``.

    Payment for ``month`` needs a verification dated on or after that due month's 1st.
    """
    for back in range(life.grace_months + 1, life.grace_months + 13):
        due = add_months(month, -back)
        if due.month in life.months:
            return due
    return None


def _life_expr(version: Version, month: dt.date) -> pl.Expr:
    due = verification_due(version.life, month) if version.life else None
    if due is None:
        return pl.lit(True)
    return pl.col("last_verified").is_not_null() & (pl.col("last_verified") >= pl.lit(due))


def derive(frame: pl.LazyFrame | pl.DataFrame, version: Version, month: dt.date) -> pl.LazyFrame:
    """Add ``age`` and ``status`` as they stand for ``month`` under this version's rules."""
    ref = month_end(month if version.tier_change == "birthday_month" else add_months(month, -1))
    dead = _stopped("deceased", version.stop["deceased"], month)
    status = (pl.when(dead).then(pl.lit("deceased"))
              .when(_stopped("moved_out", version.stop["moved_out"], month))
              .then(pl.lit("moved_out")).otherwise(pl.lit("active")))
    return frame.lazy().with_columns(
        age=age_expr("birth_date", ref), status=status,
        disabled=pl.col("disability_grade").is_not_null(),
        life_verified=_life_expr(version, month),
    )


def _checks(version: Version) -> list[Check]:
    life = [LIFE_CHECK] if version.life else []
    return [*IMPLICIT_CHECKS, *life, *version.checks]


def month_result(frame: pl.LazyFrame, version: Version) -> pl.LazyFrame:
    """Per elder: ``amount_fen``, ``tier`` and ``fail`` (first failed check) for one month."""
    checks = _checks(version)
    eligible = pl.all_horizontal([c.node.expr() for c in checks])
    fail: Any = pl.lit(None, dtype=pl.String)
    for c in reversed(checks):  # the first failing check wins
        fail = pl.when(~c.node.expr()).then(pl.lit(c.code)).otherwise(fail)
    # Several tiers can match only across categories: the highest amount is paid.
    ranked = sorted(version.tiers, key=lambda t: -t.amount_fen)
    amount: Any = pl.lit(None, dtype=pl.Int64)
    tier: Any = pl.lit(None, dtype=pl.String)
    for t in reversed(ranked):
        cond = t.node.expr() if t.node is not None else pl.lit(True)
        amount = pl.when(cond).then(pl.lit(t.amount_fen, dtype=pl.Int64)).otherwise(amount)
        tier = pl.when(cond).then(pl.lit(t.code)).otherwise(tier)
    return frame.select(
        "id",
        amount_fen=pl.when(eligible).then(amount.fill_null(0)).otherwise(0).cast(pl.Int64),
        tier=pl.when(eligible).then(tier).otherwise(None),
        fail=pl.when(eligible & amount.is_null()).then(pl.lit("no_tier")).otherwise(fail),
    )


def _program_months(program: Program, frame: pl.DataFrame, start: dt.date) -> list[pl.LazyFrame]:
    version = program.version_on(start)
    if version is None:
        return []
    return [month_result(derive(frame, program.version_on(m) or version, m),
                         program.version_on(m) or version)
            for m in period_months(version, start)]


def base_result(program: Program, frame: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    """Amount for the payment period before exclusivity: the sum over the months it covers."""
    months = _program_months(program, frame, start)
    if not months:
        return frame.select("id", amount_fen=pl.lit(0, pl.Int64), tier=pl.lit(None, pl.String),
                            fail=pl.lit("no_policy"))
    # Each month is a select over the same frame, so rows line up: add the amounts as columns.
    done = pl.collect_all(months)
    total = done[0].get_column("amount_fen")
    for other in done[1:]:
        total = total + other.get_column("amount_fen")
    return done[0].with_columns(amount_fen=total)


def evaluate(program: Program, frame: pl.DataFrame, start: dt.date,
             programs: dict[str, Program]) -> pl.DataFrame:
    """Every elder of ``frame``, in frame order, with amount_fen, tier, fail and ``reason``."""
    version = program.version_on(start)
    out = base_result(program, frame, start)
    for other_code in (version.exclusive_with if version else []):
        other = base_result(programs[other_code], frame, start).select(
            "id", other_fen="amount_fen")
        wins = pl.col("other_fen") > pl.col("amount_fen")
        if other_code < program.code:  # equal amounts: one program pays, by code order
            wins = pl.col("other_fen") >= pl.col("amount_fen")
        lose = (pl.col("amount_fen") > 0) & wins
        out = out.join(other, on="id", how="left", maintain_order="left").with_columns(
            amount_fen=pl.when(lose).then(0).otherwise(pl.col("amount_fen")),
            tier=pl.when(lose).then(None).otherwise(pl.col("tier")),
            fail=pl.when(lose).then(pl.lit(f"exclusive:{other_code}")).otherwise(pl.col("fail")),
        ).drop("other_fen")
    return out.with_columns(reason=_reason_expr(version))


def _reason_expr(version: Version | None) -> pl.Expr:
    expr: Any = pl.when(pl.col("fail").str.starts_with("exclusive:")).then(pl.lit("duplicate"))
    for c in _checks(version) if version else []:
        expr = expr.when(pl.col("fail") == c.code).then(pl.lit(c.stop_reason))
    return expr.when(pl.col("fail") == "no_policy").then(pl.lit("policy_change")).when(
        pl.col("fail").is_not_null()).then(pl.lit("ineligible")).otherwise(None)


@dataclass
class CheckExplanation:
    code: str
    label: dict[str, str]
    text: str
    passed: bool
    leaves: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MonthExplanation:
    month: dt.date
    age: int
    status: str
    checks: list[CheckExplanation]
    tier: str | None
    amount_fen: int


@dataclass
class Explanation:
    program: str
    period: dt.date
    months: list[MonthExplanation]
    amount_fen: int
    tier: str | None
    fail: str | None
    reason: str | None
    values: dict[str, Any]


def _explain_check(row: pl.DataFrame, check: Check) -> CheckExplanation:
    leaves = check.node.leaves()
    exprs = [check.node.expr().alias("_all")] + [
        lf.expr().alias(f"_l{i}") for i, lf in enumerate(leaves)]
    got = row.select(exprs).row(0, named=True)
    return CheckExplanation(check.code, check.label, check.text, bool(got["_all"]), [
        {"text": lf.text, "field": lf.field, "passed": bool(got[f"_l{i}"]),
         "value": row.get_column(FIELDS[lf.field][1])[0]} for i, lf in enumerate(leaves)])


def explain(program: Program, row: pl.DataFrame, start: dt.date,
            programs: dict[str, Program]) -> Explanation:
    """Why one elder (a one-row frame) gets what they get: the same code path as ``evaluate``."""
    result = evaluate(program, row, start, programs).row(0, named=True)
    version = program.version_on(start)
    months = []
    for m in period_months(version, start) if version else []:
        v = program.version_on(m) or version
        assert v is not None
        derived = derive(row, v, m).collect()
        one = month_result(derived.lazy(), v).collect().row(0, named=True)
        months.append(MonthExplanation(
            m, derived["age"][0], derived["status"][0],
            [_explain_check(derived, c) for c in _checks(v)], one["tier"], one["amount_fen"]))
    values = {k: row.get_column(k)[0] for k in row.columns}
    return Explanation(program.code, start, months, result["amount_fen"], result["tier"],
                       result["fail"], result["reason"], values)

