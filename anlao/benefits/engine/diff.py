"""Compare a computed run with the previous period's approved run; totals per street.

Kinds: new, stopped (with the stop reason: 去世, 户籍迁出, 资格取消 …), amount changed
(tier change after a birthday, or a policy change) and unchanged.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from anlao.areas.models import Area
from anlao.benefits.engine.frame import read_query
from anlao.benefits.models import FINAL_STATES, BenefitRun, Entitlement, RunKind
from anlao.benefits.policy.programs import Program
from anlao.core.periods import add_months, parse_month


def previous_run(run: BenefitRun, program: Program) -> BenefitRun | None:
    start = parse_month(run.period)
    version = program.version_on(start)
    step = version.months_per_payment if version else 1
    prev_period = add_months(start, -step).strftime("%Y-%m")
    return (BenefitRun.objects.filter(program=run.program, area=run.area, period=prev_period,
                                      state__in=FINAL_STATES, kind=RunKind.REGULAR)
            .order_by("-id").first())


def _previous_frame(prev: BenefitRun | None) -> pl.DataFrame:
    schema = {"id": pl.Int64, "old_fen": pl.Int64, "old_tier": pl.String}
    if prev is None:
        return pl.DataFrame(schema=schema)
    qs = Entitlement.objects.filter(run=prev).order_by().values_list("elder_id", "amount_fen",
                                                                     "tier")
    return read_query(qs, schema).cast(schema)  # type: ignore[arg-type]


def changes(result: pl.DataFrame, prev: pl.DataFrame, policy_changed: bool) -> pl.DataFrame:
    """One row per elder paid now or before, with ``kind`` and ``reason``."""
    paid = result.filter(pl.col("amount_fen") > 0)
    both = paid.select("id", new_fen="amount_fen", new_tier="tier").join(
        prev, on="id", how="full", coalesce=True)
    both = both.join(result.select("id", "reason"), on="id", how="left")
    kind = (pl.when(pl.col("old_fen").is_null()).then(pl.lit("new"))
            .when(pl.col("new_fen").is_null()).then(pl.lit("stopped"))
            .when(pl.col("new_fen") != pl.col("old_fen")).then(pl.lit("changed"))
            .otherwise(pl.lit("unchanged")))
    changed_reason = (pl.when(pl.col("new_tier") != pl.col("old_tier")).then(pl.lit("tier_change"))
                      .when(pl.lit(policy_changed)).then(pl.lit("policy_change"))
                      .otherwise(pl.lit("amount_change")))
    both = both.with_columns(kind=kind)
    reason = (pl.when(pl.col("kind") == "stopped").then(pl.col("reason").fill_null("other"))
              .when(pl.col("kind") == "changed").then(changed_reason)
              .when(pl.col("kind") == "new").then(pl.lit("first_payment"))
              .otherwise(pl.lit("")))
    return both.with_columns(reason=reason, new_fen=pl.col("new_fen").fill_null(0),
                             old_fen=pl.col("old_fen").fill_null(0))


def _totals(paid: pl.DataFrame, column: str) -> list[dict[str, Any]]:
    agg = (paid.group_by(column).agg(count=pl.len(), total_fen=pl.col("amount_fen").sum())
           .sort(column))
    codes = [c for c in agg[column].to_list() if c]
    names = dict(Area.objects.current().filter(code__in=codes).values_list("code", "name"))
    return [{"code": row[column] or "", "name": names.get(row[column], row[column] or "—"),
             "count": row["count"], "total_fen": int(row["total_fen"])}
            for row in agg.iter_rows(named=True)]


def summarise(prev: BenefitRun | None, result: pl.DataFrame,
              digest: str) -> tuple[dict[str, Any], pl.DataFrame]:
    """The run's JSON summary (with ``_changes`` to store) and the frame of paid elders."""
    paid = result.filter(pl.col("amount_fen") > 0)
    summary: dict[str, Any] = {
        "streets": _totals(paid, "street_code"),
        "communities": _totals(paid, "community_code"),
        "previous_run": prev.pk if prev else None,
        "previous_period": prev.period if prev else None,
    }
    # Without a previous approved run every payment would be "new": record none.
    diff = changes(result if prev else result.head(0), _previous_frame(prev),
                   bool(prev and prev.policy_hash != digest))
    counts = diff.group_by("kind").len()
    summary["diff"] = {row["kind"]: row["len"] for row in counts.iter_rows(named=True)}
    by_reason = diff.filter(pl.col("kind") != "unchanged").group_by("kind", "reason").len()
    summary["diff_reasons"] = sorted(
        [[r["kind"], r["reason"], r["len"]] for r in by_reason.iter_rows(named=True)])
    summary["_changes"] = diff.filter(pl.col("kind") != "unchanged")
    reasons = diff.select("id", reasons=pl.when(pl.col("kind") == "unchanged").then(pl.lit(""))
                          .otherwise(pl.col("kind") + pl.lit(":") + pl.col("reason")))
    paid = paid.join(reasons, on="id", how="left").with_columns(
        reasons=pl.col("reasons").fill_null(""))
    return summary, paid
