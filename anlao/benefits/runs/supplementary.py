"""Supplementary runs (补发): pay exactly what is still owed, not a recompute of everyone.

A supplementary run is a ``BenefitRun`` of kind ``supplementary`` for a program, month and
district that already has an exported regular run. Computing it collects

* **resends**: failed payment lines of exported runs of the same program and district up to
  that month whose elder's account was fixed since (a new active account opened after the
  bank's answer), and held lines (no account at export) of elders who now have one; elders
  alive and in the registry, lines not yet carried by another export nor claimed by another
  run;
* **back-pay**: months that final regular runs up to that month withheld for a missing life
  verification which the elder's verification now covers (``backpay._backpay_for``, the
  regular runs' own code), not already paid or claimed by another run.

No double payment — the rule (docs/benefits.md "Supplementary runs"): a failed line or a
back-pay month belongs to the first run that *claims* it. A supplementary run claims its
lines when computed (``Resend`` rows, one per payment: unique; ``BackPay`` rows); a regular
export carries only unclaimed failed lines, and a regular compute skips back-pay months
claimed by any other computed run. Discarding an unapproved supplementary run frees its
claims. The states and four-eyes are those of a regular run (``services``); exporting it
writes its own bank file (``payments.run_export``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area, AreaLevel
from anlao.benefits.engine.frame import load_frame
from anlao.benefits.models import (
    BackPay,
    BenefitRun,
    Payment,
    PaymentAccount,
    PaymentStatus,
    Resend,
    RunKind,
    RunState,
    Withheld,
)
from anlao.benefits.runs import backpay
from anlao.benefits.runs.services import (
    AUDIT_FIELDS,
    OPEN_STATES,
    Progress,
    _check_period,
    _claim,
    _run_for,
    _step,
    get_program,
)
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, ServiceError
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope
from anlao.people.models import Elder
from anlao.people.selectors import elders_visible


@transaction.atomic
def supplementary_create(*, actor: Any, program: str, period: str, district_code: str,
                         today: dt.date | None = None) -> BenefitRun:
    """A draft supplementary run; the month's regular run must already be exported."""
    require(actor, "benefit.compute")
    get_program(program)
    _check_period(period, today)
    area = Area.objects.current().filter(code=district_code, level=AreaLevel.DISTRICT).first()
    if area is None or not area_in_scope(actor, area):
        raise NotFound(_("No such district in your jurisdiction."))
    same = BenefitRun.objects.filter(program=program, period=period, area=area)
    if not same.filter(kind=RunKind.REGULAR, state=RunState.EXPORTED).exists():
        raise ServiceError(_("A supplementary run needs the month's regular run to be "
                             "exported first."), field="period")
    if same.filter(kind=RunKind.SUPPLEMENTARY, state__in=OPEN_STATES).exists():
        raise ServiceError(_("An open supplementary run for this program, month and district "
                             "already exists."), code="duplicate")
    run = BenefitRun.objects.create(program=program, period=period, area=area, created_by=actor,
                                    kind=RunKind.SUPPLEMENTARY)
    audit(actor=actor, action="benefit_run.create_supplementary", obj=run,
          after=snapshot(run, ["program", "period", "area_id", "kind"]))
    return run


def _owed_lines(run: BenefitRun) -> list[Payment]:
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


def _owed_backpay(actor: Any, run: BenefitRun) -> pl.DataFrame:
    program = get_program(run.program)
    earlier = backpay.earlier_runs(run, backpay.FINAL_STATES, inclusive=True)
    ids = set(Withheld.objects.filter(run__in=earlier).values_list("elder_id", flat=True))
    if not ids:
        return pl.DataFrame(schema=backpay.BACKPAY_SCHEMA)
    frame = load_frame(elders_visible(actor).filter(pk__in=ids))
    parts = [backpay._backpay_for(run, e, program, frame) for e in earlier]
    parts = [p for p in parts if p.height]
    return pl.concat(parts) if parts else pl.DataFrame(schema=backpay.BACKPAY_SCHEMA)


def compute(actor: Any, run: BenefitRun, progress: Progress | None) -> BenefitRun:
    """Claim the owed lines and back-pay months; replaces the run's rows whole."""
    _claim(run)
    try:
        _step(run, "evaluate", 0, 0, progress)
        lines = _owed_backpay(actor, run)
        with transaction.atomic():
            return _store(actor, run, lines, progress)
    except Exception as exc:
        BenefitRun.objects.filter(pk=run.pk).update(error=str(exc)[:2000], progress_step="failed")
        raise
    finally:
        BenefitRun.objects.filter(pk=run.pk).update(busy_since=None)


def _store(actor: Any, run: BenefitRun, lines: pl.DataFrame,
           progress: Progress | None) -> BenefitRun:
    run = BenefitRun.objects.select_for_update().get(pk=run.pk)
    if run.state not in OPEN_STATES:
        raise ServiceError(_("An approved run is frozen."), code="frozen")
    before = snapshot(run, AUDIT_FIELDS)
    Resend.objects.filter(run=run).delete()
    resends = Resend.objects.bulk_create([
        Resend(run=run, payment=p, elder_id=p.elder_id, amount_fen=p.amount_fen,
               community_code=p.community_code) for p in _owed_lines(run)])
    backpay.write_lines(run, pl.DataFrame(schema=backpay.WITHHELD_SCHEMA), lines)
    resend_fen = sum(r.amount_fen for r in resends)
    back_fen = int(lines.get_column("amount_fen").sum() or 0)
    elders = {r.elder_id for r in resends} | set(lines.get_column("id").to_list())
    run.summary = {"supplementary": {
        "resend_lines": len(resends), "resend_fen": resend_fen,
        "backpay_lines": lines.height, "backpay_fen": back_fen}}
    run.state, run.policy_hash = RunState.COMPUTED, get_program(run.program).digest
    run.computed_by, run.computed_at = actor, timezone.now()
    run.reviewed_by = run.reviewed_at = None
    run.elder_count = run.paid_count = len(elders)
    run.total_fen = resend_fen + back_fen
    run.progress_step, run.progress_done, run.progress_total = "done", len(elders), len(elders)
    run.save()
    _step(run, "done", len(elders), len(elders), progress)
    audit(actor=actor, action="benefit_run.compute_supplementary", obj=run, before=before,
          after={**snapshot(run, AUDIT_FIELDS), **run.summary["supplementary"]})
    return run


@transaction.atomic
def supplementary_discard(*, actor: Any, run_id: int) -> None:
    """Delete an unapproved supplementary run; what it claimed is owed again."""
    require(actor, "benefit.compute")
    run = _run_for(actor, run_id, for_update=True)
    if run.kind != RunKind.SUPPLEMENTARY or run.state not in OPEN_STATES or run.busy_since:
        raise ServiceError(_("Only a supplementary run that is not approved can be "
                             "discarded."), code="state")
    audit(actor=actor, action="benefit_run.discard", obj=run,
          before=snapshot(run, ["program", "period", "area_id", "state", "total_fen"]))
    BackPay.objects.filter(run=run).delete()
    Resend.objects.filter(run=run).delete()
    run.delete()


def backpay_claimed_twice(run: BenefitRun) -> bool:
    """True when another exported run already paid one of this run's back-pay months."""
    mine = set(BackPay.objects.filter(run=run).values_list("elder_id", "month"))
    if not mine:
        return False
    others = BackPay.objects.filter(
        run__program=run.program, run__area=run.area, run__state=RunState.EXPORTED,
        elder_id__in={e for e, _m in mine}).exclude(run=run).values_list("elder_id", "month")
    return any(pair in mine for pair in others)
