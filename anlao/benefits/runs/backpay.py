"""Looking back when a run is computed: back-pay for late life verification, and overpayments.

Both re-evaluate earlier periods with ``engine.evaluate`` — the run's own code path — on the
frame already loaded for the run, so no extra query per elder.

* Withheld: each run records, per elder stopped only for a missing life verification, what
  it would have paid. Back-pay: a later run pays those months to elders whose verification
  now covers them (one line per month, reason ``not_verified``); the change reads "resumed".
* Overpayment: an exported run paid an elder for months in which, by today's registry, the
  elder was already dead or moved out (the stop rule of the policy applies): one ledger line
  per elder and run, with a recovery status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from anlao.benefits.engine.evaluation import derive, evaluate, period_months
from anlao.benefits.engine.frame import read_query
from anlao.benefits.models import (
    FINAL_STATES,
    BackPay,
    BenefitRun,
    Entitlement,
    Overpayment,
    Payment,
    PaymentStatus,
    RunKind,
    RunState,
    Withheld,
)
from anlao.benefits.policy.programs import Program
from anlao.core.periods import add_months, parse_month

LOOKBACK_MONTHS = 12
# A back-pay month is claimed by the first run that holds it in one of these states
# (supplementary.py): another run's compute skips it, so it is never paid twice.
CLAIMING_STATES = (RunState.COMPUTED, RunState.REVIEWED, *FINAL_STATES)
BACKPAY_SCHEMA = {"id": pl.Int64, "month": pl.String, "amount_fen": pl.Int64,
                  "community_code": pl.String}
WITHHELD_SCHEMA = {"id": pl.Int64, "amount_fen": pl.Int64, "community_code": pl.String}


def earlier_runs(run: BenefitRun, states: tuple[str, ...],
                 inclusive: bool = False) -> list[BenefitRun]:
    """Regular runs of the run's program and district in the lookback (its month too if
    ``inclusive``: a supplementary run pays back-pay withheld by its own month's run)."""
    start = parse_month(run.period)
    since = add_months(start, -LOOKBACK_MONTHS).strftime("%Y-%m")
    before = {"period__lte" if inclusive else "period__lt": run.period}
    return list(BenefitRun.objects.filter(
        program=run.program, area=run.area, state__in=states, period__gte=since,
        kind=RunKind.REGULAR, **before).order_by("period"))


def withheld(program: Program, frame: pl.DataFrame, start: dt.date,
             result: pl.DataFrame, programs: dict[str, Program]) -> pl.DataFrame:
    """Elders stopped only for verification, with what they would be paid if verified."""
    stopped = result.get_column("fail") == "life_verified"
    if not stopped.any():
        return pl.DataFrame(schema=WITHHELD_SCHEMA)
    # Verified on the 1st of the period: the life check passes, every other check is real.
    rows = frame.filter(stopped).with_columns(last_verified=pl.lit(start))
    got = evaluate(program, rows, start, programs)
    return got.with_columns(rows.get_column("community_code")).filter(
        pl.col("amount_fen") > 0).select(list(WITHHELD_SCHEMA)).cast(
        WITHHELD_SCHEMA)  # type: ignore[arg-type]


def backpay(run: BenefitRun, program: Program, frame: pl.DataFrame) -> pl.DataFrame:
    """Months withheld by earlier final runs that the elders' verification now covers."""
    version = program.version_on(parse_month(run.period))
    parts = []
    if version is not None and version.life is not None and frame.height:
        for earlier in earlier_runs(run, FINAL_STATES):
            parts.append(backpay_for(run, earlier, program, frame))
    parts = [p for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=BACKPAY_SCHEMA)


def backpay_for(run: BenefitRun, earlier: BenefitRun, program: Program,
                 frame: pl.DataFrame) -> pl.DataFrame:
    start = parse_month(earlier.period)
    version = program.version_on(start)
    held = read_query(Withheld.objects.filter(run=earlier).order_by().values_list(
        "elder_id", "amount_fen", "community_code"), WITHHELD_SCHEMA).cast(
        WITHHELD_SCHEMA)  # type: ignore[arg-type]
    if version is None or not held.height:
        return pl.DataFrame(schema=BACKPAY_SCHEMA)
    # Verified now for every month of that period (same expression as the engine's check).
    checks = [derive(frame, program.version_on(m) or version, m).collect()
              .get_column("life_verified") for m in period_months(version, start)]
    ok = checks[0]
    for more in checks[1:]:
        ok = ok & more
    verified = frame.get_column("id").filter(ok).to_list()
    done = list(BackPay.objects.filter(month=earlier.period, run__program=run.program,
                                       run__area=run.area, run__state__in=CLAIMING_STATES)
                .exclude(run=run).values_list("elder_id", flat=True))
    out = held.filter(pl.col("id").is_in(verified) & ~pl.col("id").is_in(done))
    return out.select("id", pl.lit(earlier.period).alias("month"), "amount_fen",
                      "community_code").cast(BACKPAY_SCHEMA)  # type: ignore[arg-type]


def mark_resumed(summary: dict[str, Any], paid: pl.DataFrame,
                 lines: pl.DataFrame) -> pl.DataFrame:
    """Elders paid again after a late verification: the change reason becomes "resumed"."""
    ids = lines.get_column("id").unique().to_list()
    summary["backpay"] = {"count": len(ids), "lines": lines.height,
                          "total_fen": int(lines.get_column("amount_fen").sum() or 0)}
    if not ids:
        return paid
    diff = summary["_changes"]
    resumed = pl.col("id").is_in(ids) & (pl.col("kind") == "new")
    diff = diff.with_columns(reason=pl.when(resumed).then(pl.lit("resumed"))
                             .otherwise(pl.col("reason")))
    summary["_changes"] = diff
    by_reason = diff.group_by("kind", "reason").len()
    summary["diff_reasons"] = sorted(
        [[r["kind"], r["reason"], r["len"]] for r in by_reason.iter_rows(named=True)])
    return paid.with_columns(reasons=pl.when(pl.col("id").is_in(ids) & (
        pl.col("reasons") == "new:first_payment")).then(pl.lit("new:resumed"))
        .otherwise(pl.col("reasons")))


def overpayments(run: BenefitRun, program: Program, frame: pl.DataFrame) -> list[Overpayment]:
    """New ledger lines: exported payments for months the elder was already dead / moved out."""
    gone = frame.filter(pl.col("stored_status").is_in(["deceased", "moved_out"]))
    found: list[Overpayment] = []
    if not gone.height:
        return found
    runs = earlier_runs(run, (RunState.EXPORTED,))
    if not runs:
        return found
    # Lines already on the ledger for those runs: by run, not an IN list of every gone elder
    # (at 300k elders that list alone took 0.35 s per compute; SQLite caps parameters).
    known = set(Overpayment.objects.filter(source_run__in=runs)
                .values_list("elder_id", "source_run_id"))
    for earlier in runs:
        found.extend(_overpaid_in(run, earlier, program, gone, known))
    return found


def _overpaid_in(run: BenefitRun, earlier: BenefitRun, program: Program, gone: pl.DataFrame,
                 known: set[tuple[int, int]]) -> list[Overpayment]:
    start = parse_month(earlier.period)
    version = program.version_on(start)
    if version is None:
        return []
    months = period_months(version, start)
    stopped = sum((derive(gone, program.version_on(m) or version, m).collect()
                   .get_column("status") != "active").cast(pl.Int64) for m in months)
    unpaid = set(Payment.objects.filter(run=earlier, status__in=[
        PaymentStatus.FAILED, PaymentStatus.HELD]).values_list("elder_id", flat=True))
    amounts = dict(Entitlement.objects.filter(
        run=earlier, elder_id__in=gone.get_column("id").to_list()).values_list(
        "elder_id", "amount_fen"))
    out = []
    for elder_id, n, status in zip(gone.get_column("id"), stopped,
                                   gone.get_column("stored_status"), strict=True):
        if n and elder_id in amounts and elder_id not in unpaid and \
                (elder_id, earlier.pk) not in known:
            out.append(Overpayment(
                elder_id=elder_id, source_run=earlier, found_by=run, months=n,
                amount_fen=amounts[elder_id] * n // len(months),
                reason="deceased" if status == "deceased" else "hukou_moved"))
    return out
