"""Supplementary runs (补发): pay exactly what is still owed, not a recompute of everyone.

A supplementary run is a ``BenefitRun`` of kind ``supplementary`` for a program, month and
district that already has an exported regular run. Computing it collects

* **resends**: failed payment lines of exported runs of the same program and district up to
  that month whose elder's account was fixed since (a new active account opened after the
  bank's answer), and held lines (no account at export) of elders who now have one; elders
  alive and in the registry, lines not yet carried by another export nor claimed by another
  run;
* **back-pay**: months that final regular runs up to that month withheld for a missing life
  verification which the elder's verification now covers (``backpay.backpay_for``, the
  regular runs' own code), not already paid or claimed by another run.

No double payment — the rule (docs/benefits.md "Supplementary runs"): a failed line or a
back-pay month belongs to the first run that *claims* it. A supplementary run claims its
lines when computed (``Resend`` rows, one per payment: unique; ``BackPay`` rows); a regular
export carries only unclaimed failed lines, and a regular compute skips back-pay months
claimed by any other computed run. Discarding an unapproved supplementary run frees its
claims. The writes (create, compute, discard) are in ``runs.services``, with the states and
four-eyes of a regular run; exporting it writes its own bank file
(``payments.services.run_export``). This module holds the reads that decide what is owed.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef, Q

from anlao.benefits.engine.frame import load_frame
from anlao.benefits.models import (
    BackPay,
    BenefitRun,
    Payment,
    PaymentAccount,
    PaymentStatus,
    RunState,
    Withheld,
)
from anlao.benefits.policy.programs import get_program
from anlao.benefits.runs import backpay
from anlao.people.models import Elder
from anlao.people.selectors import elders_visible


def owed_lines(run: BenefitRun) -> list[Payment]:
    """Failed / held lines this run may pay again (see the module docstring).

    A failed line needs the account fixed: an active account opened after the bank's
    answer (the same account would fail again; the next regular run carries it meanwhile).
    A held line (no account at export) needs any active account now.
    """
    active = PaymentAccount.objects.filter(elder_id=OuterRef("elder_id"), active=True)
    fixed = Q(status=PaymentStatus.FAILED) & Exists(active.filter(
        created_at__gt=OuterRef("settled_at")))
    opened = Q(status=PaymentStatus.HELD) & Exists(active)
    return list(Payment.objects.filter(
        run__program=run.program, run__area=run.area, run__state=RunState.EXPORTED,
        run__period__lte=run.period, carried_to__isnull=True,
        elder__in=Elder.objects.filter(status="active"),
    ).filter(fixed | opened).filter(Q(resend__isnull=True) | Q(resend__run=run))
        .order_by("run__period", "line"))


def owed_backpay(actor: Any, run: BenefitRun) -> pl.DataFrame:
    program = get_program(run.program)
    earlier = backpay.earlier_runs(run, backpay.FINAL_STATES, inclusive=True)
    ids = set(Withheld.objects.filter(run__in=earlier).values_list("elder_id", flat=True))
    if not ids:
        return pl.DataFrame(schema=backpay.BACKPAY_SCHEMA)
    frame = load_frame(elders_visible(actor=actor).filter(pk__in=ids))
    parts = [backpay.backpay_for(run, e, program, frame) for e in earlier]
    parts = [p for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=backpay.BACKPAY_SCHEMA)


def backpay_claimed_twice(run: BenefitRun) -> bool:
    """True when another exported run already paid one of this run's back-pay months."""
    mine = set(BackPay.objects.filter(run=run).values_list("elder_id", "month"))
    if not mine:
        return False
    others = BackPay.objects.filter(
        run__program=run.program, run__area=run.area, run__state=RunState.EXPORTED,
        elder_id__in={e for e, _m in mine}).exclude(run=run).values_list("elder_id", "month")
    return any(pair in mine for pair in others)
