"""Recovering overpayments by deduction from later regular runs.

An open (or part-recovered) overpayment of an elder whom a regular run of the same district
pays — by any program — is recovered by withholding part of that payment: at most
``BENEFITS_RECOVERY_SHARE`` percent (default 50) of what the run pays the elder that month,
and never more than what is still owed. Oldest overpayment first.

* Compute (``plan``, inside the compute transaction): the run's ``Deduction`` rows are
  replaced whole, so recomputing never deducts twice. What other computed-but-not-exported
  runs already hold back counts as reserved.
* Export (``apply``): the run's deductions become recovered on the ledger (recovering =
  partly recovered, recovered = all), audited; the bank line is the entitlement minus the
  deduction.
* A deceased elder is paid by nothing: their overpayments stay for manual recovery (a
  refund from the estate) through ``payments.overpayment_update``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Sum

from anlao.benefits.models import (
    BenefitRun,
    Deduction,
    Overpayment,
    Recovery,
    RunKind,
    RunState,
)
from anlao.core.audit import audit

DEFAULT_SHARE = 50  # percent of a month's payment that may be withheld
PENDING_STATES = (RunState.COMPUTED, RunState.REVIEWED, RunState.APPROVED)


def share() -> int:
    value = int(getattr(settings, "BENEFITS_RECOVERY_SHARE", DEFAULT_SHARE))
    return max(0, min(100, value))


def deductions(open_lines: list[tuple[int, int, int]], paid: dict[int, int],
               reserved: dict[int, int], percent: int) -> list[tuple[int, int, int]]:
    """Pure arithmetic: (overpayment id, elder id, amount) withheld this run.

    ``open_lines`` are (overpayment id, elder id, amount still owed before reservations),
    oldest first; ``paid`` what the run pays each elder; ``reserved`` what other pending
    runs already hold back per overpayment.
    """
    room = {e: fen * percent // 100 for e, fen in paid.items()}
    out = []
    for op_id, elder_id, owed in open_lines:
        left = owed - reserved.get(op_id, 0)
        take = min(left, room.get(elder_id, 0))
        if take > 0:
            out.append((op_id, elder_id, take))
            room[elder_id] -= take
    return out


def plan(run: BenefitRun, paid: pl.DataFrame) -> dict[str, int]:
    """Replace the run's deductions (call inside the compute transaction)."""
    Deduction.objects.filter(run=run).delete()
    if run.kind != RunKind.REGULAR or not paid.height:
        return {"count": 0, "total_fen": 0}
    # The district's open lines first (few), then those of elders this run pays: never an
    # IN list of every paid elder (millions; SQLite caps bound parameters).
    lines = list(Overpayment.objects.filter(
        source_run__area=run.area, status__in=[Recovery.OPEN, Recovery.RECOVERING],
        elder__status="active",
    ).order_by("created_at", "pk").values_list("pk", "elder_id", "amount_fen", "recovered_fen"))
    if lines:
        paid_ids = set(paid.filter(pl.col("id").is_in([e for _pk, e, *_ in lines]))
                       .get_column("id").to_list())
        lines = [line for line in lines if line[1] in paid_ids]
    if not lines:
        return {"count": 0, "total_fen": 0}
    reserved = dict(Deduction.objects.filter(
        overpayment_id__in=[pk for pk, *_ in lines], run__state__in=PENDING_STATES,
    ).exclude(run=run).values("overpayment_id").annotate(fen=Sum("amount_fen")).values_list(
        "overpayment_id", "fen"))
    amounts = paid.filter(pl.col("id").is_in([e for _pk, e, *_ in lines]))
    got = deductions([(pk, e, amt - rec) for pk, e, amt, rec in lines],
                     dict(zip(amounts.get_column("id"), amounts.get_column("amount_fen"),
                              strict=True)), reserved, share())
    Deduction.objects.bulk_create([Deduction(run=run, overpayment_id=o, elder_id=e,
                                             amount_fen=fen) for o, e, fen in got])
    return {"count": len(got), "total_fen": sum(fen for *_, fen in got)}


def apply(actor: Any, run: BenefitRun) -> int:
    """Book the run's deductions as recovered (at export); returns the total withheld."""
    total = 0
    by_line: dict[int, int] = defaultdict(int)
    for d in Deduction.objects.filter(run=run):
        by_line[d.overpayment_id] += d.amount_fen
    for line in Overpayment.objects.select_for_update().filter(pk__in=list(by_line)):
        before = {"status": line.status, "recovered_fen": line.recovered_fen}
        line.recovered_fen = min(line.amount_fen, line.recovered_fen + by_line[line.pk])
        line.status = (Recovery.RECOVERED if line.recovered_fen == line.amount_fen
                       else Recovery.RECOVERING)
        line.save(update_fields=["recovered_fen", "status"])
        total += by_line[line.pk]
        audit(actor=actor, action="overpayment.deduct", obj=line, before=before,
              after={"status": line.status, "recovered_fen": line.recovered_fen,
                     "run_id": run.pk, "deducted_fen": by_line[line.pk]})
    return total
