"""Every write of a benefit run: create, compute, review, approve and export it; supplementary
runs (补发) created, computed and discarded; the rows a computation stores beside its
entitlements (withheld months, back-pay, overpayments, deductions).

Compute is idempotent: it replaces the run's entitlements whole (delete + insert) in one
transaction, so a crash halfway leaves the previous result, never a partial one. It holds the
run through the run execution kernel (``core.runs.claimed``): one worker at a time, a
heartbeat on every step, and a run whose worker died is taken over after a short silence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area, AreaLevel
from anlao.areas.selectors import area_get
from anlao.benefits.checks import services as checks
from anlao.benefits.engine import writer
from anlao.benefits.engine.diff import previous_run, summarise
from anlao.benefits.engine.evaluation import evaluate
from anlao.benefits.engine.frame import scoped_frame, shared_frames
from anlao.benefits.models import (
    BackPay,
    BenefitRun,
    Deduction,
    Overpayment,
    Recovery,
    Resend,
    RunKind,
    RunState,
    Withheld,
)
from anlao.benefits.policy.programs import get_program, load_programs
from anlao.benefits.runs import backpay, recovery, supplementary, tasks
from anlao.benefits.runs.selectors import runs_in_scope
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, ServiceError
from anlao.core.periods import month_start, parse_month
from anlao.core.roles import require
from anlao.core.runs import Claim, Progress, claimed

OPEN_STATES = (RunState.DRAFT, RunState.COMPUTED, RunState.REVIEWED)
AUDIT_FIELDS = ["state", "policy_hash", "paid_count", "total_fen", "elder_count"]


def _run_for(actor: Any, run_id: int, for_update: bool = False) -> BenefitRun:
    qs = runs_in_scope(actor=actor)
    if for_update:
        qs = qs.select_for_update()
    run = qs.select_related("area").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such benefit run."))
    return run


def _check_period(period: str, today: dt.date | None) -> dt.date:
    try:
        start = parse_month(period)
    except ValueError as exc:
        raise ServiceError(_("The period must look like 2026-04."), field="period") from exc
    today = today or timezone.localdate()
    if start > month_start(today):
        raise ServiceError(_("A run for a future month cannot be made."), field="period")
    return start


def _district(actor: Any, district_code: str) -> Area:
    try:
        return area_get(actor=actor, code=district_code, level=AreaLevel.DISTRICT)
    except NotFound as exc:
        raise NotFound(_("No such district in your jurisdiction.")) from exc


@transaction.atomic
def run_create(*, actor: Any, program: str, period: str, district_code: str,
               today: dt.date | None = None) -> BenefitRun:
    """A draft run of ``program`` for one district and month."""
    require(actor, "benefit.compute")
    prog = get_program(program)
    start = _check_period(period, today)
    version = prog.version_on(start)
    if version is None:
        raise ServiceError(_("The program has no policy in force in that month."), field="period")
    if start.month % version.months_per_payment != 1 % version.months_per_payment:
        raise ServiceError(_("This program pays quarterly: choose January, April, July or "
                             "October."), field="period")
    area = _district(actor, district_code)
    if f"/{prog.jurisdiction}/" not in f"/{area.path}":
        raise ServiceError(_("This district lies outside the program's jurisdiction."),
                           field="district")
    existing = BenefitRun.objects.filter(program=program, period=period, area=area,
                                         kind=RunKind.REGULAR)
    if existing.filter(state__in=OPEN_STATES).exists():
        raise ServiceError(_("An open run for this program, month and district already "
                             "exists."), code="duplicate")
    run = BenefitRun.objects.create(program=program, period=period, area=area,
                                    created_by=actor, policy_version=version.effective_from)
    audit(actor=actor, action="benefit_run.create", obj=run, after=snapshot(run, [
        "program", "period", "area_id"]))
    return run


@transaction.atomic
def run_queue(*, actor: Any, run_id: int) -> BenefitRun:
    """Queue a background computation (the page then shows progress); the task is enqueued
    once this transaction commits, so the worker never sees a run not yet queued."""
    require(actor, "benefit.compute")
    run = _run_for(actor, run_id, for_update=True)
    if run.frozen:
        raise ServiceError(_("An approved run is frozen."), code="frozen")
    run.progress_step, run.progress_done, run.error = "queued", 0, ""
    run.save(update_fields=["progress_step", "progress_done", "error"])
    audit(actor=actor, action="benefit_run.queue", obj=run)
    transaction.on_commit(lambda: tasks.compute_run.enqueue(run_id=run.pk, actor_id=actor.pk))
    return run


def run_compute(*, actor: Any, run_id: int, progress: Progress | None = None) -> BenefitRun:
    """Evaluate the policy for every elder of the district and store the entitlements; a
    supplementary run claims what is still owed instead."""
    require(actor, "benefit.compute")
    run = _run_for(actor, run_id)
    if run.frozen:
        raise ServiceError(_("An approved run is frozen."), code="frozen")
    with claimed(run, when=Q(state__in=OPEN_STATES), first_step="load", progress=progress,
                 busy_message=_("This run is being computed, or is approved and frozen.")
                 ) as claim:
        if run.kind == RunKind.SUPPLEMENTARY:
            claim.step("evaluate")
            lines = supplementary.owed_backpay(actor, run)
            with transaction.atomic():
                return _store_supplementary(actor, run, lines, claim)
        result = _evaluate(actor, run, claim)
        with transaction.atomic():
            return _store(actor, run, result, claim)


def runs_compute(*, actor: Any, run_ids: list[int], progress: Progress | None = None
                 ) -> list[BenefitRun]:
    """Compute several runs (e.g. every program of a district for one month) reading the
    registry once: each run is still its own transaction, claim and audit."""
    with shared_frames():
        return [run_compute(actor=actor, run_id=rid, progress=progress) for rid in run_ids]


def _evaluate(actor: Any, run: BenefitRun, claim: Claim) -> dict[str, Any]:
    programs = load_programs()
    program = programs[run.program]
    frame = scoped_frame(actor, run.area)
    claim.step("evaluate", 0, frame.height)
    result = evaluate(program, frame, parse_month(run.period), programs)
    # evaluate() keeps the frame's row order, so the area codes can be attached as columns.
    result = result.with_columns(frame.get_column("street_code"),
                                 frame.get_column("community_code"))
    start = parse_month(run.period)
    claim.beat()
    withheld = backpay.withheld(program, frame, start, result, programs)
    claim.beat()
    back = backpay.backpay(run, program, frame)
    claim.beat()
    return {"program": program, "result": result, "elders": frame.height,
            "registry": frame.select("id", "stored_status", "status_date", "birth_date"),
            "withheld": withheld, "backpay": back,
            "overpayments": backpay.overpayments(run, program, frame)}


def _locked_open(run: BenefitRun) -> tuple[BenefitRun, dict[str, Any]]:
    run = BenefitRun.objects.select_for_update().get(pk=run.pk)
    if run.state not in OPEN_STATES:
        raise ServiceError(_("An approved run is frozen."), code="frozen")
    return run, snapshot(run, AUDIT_FIELDS)


def _store(actor: Any, run: BenefitRun, data: dict[str, Any], claim: Claim) -> BenefitRun:
    run, before = _locked_open(run)
    result, program = data["result"], data["program"]
    prev = previous_run(run, program)
    summary, paid = summarise(prev, result, program.digest)
    paid = backpay.mark_resumed(summary, paid, data["backpay"])
    writer.replace_rows(run, paid, summary.pop("_changes"), claim.step)
    _write_backpay(run, data["withheld"], data["backpay"])
    _record_overpayments(actor, run, data["overpayments"])
    summary["deductions"] = _plan_deductions(run, paid)  # overpayments recovered (issue 7)
    run.summary = summary
    # Fraud and error checks (issue 7), on the registry columns the run was evaluated on.
    registry = paid.select("id", "amount_fen").join(data["registry"], on="id", how="left")
    summary["checks"] = checks.run_checks(actor=actor, run=run, paid=registry)
    run.state, run.policy_hash = RunState.COMPUTED, program.digest
    run.computed_by, run.computed_at = actor, timezone.now()
    run.reviewed_by = run.reviewed_at = None
    run.elder_count, run.paid_count = data["elders"], paid.height
    run.total_fen = int(paid["amount_fen"].sum() or 0)
    run.progress_step, run.progress_done, run.progress_total = "done", paid.height, paid.height
    run.save()
    audit(actor=actor, action="benefit_run.compute", obj=run, before=before,
          after=snapshot(run, AUDIT_FIELDS))
    return run


def _write_backpay(run: BenefitRun, held: pl.DataFrame, lines: pl.DataFrame) -> None:
    """Replace the run's withheld and back-pay rows (inside the compute transaction)."""
    Withheld.objects.filter(run=run).delete()
    Withheld.objects.bulk_create([
        Withheld(run=run, elder_id=r["id"], amount_fen=r["amount_fen"],
                 community_code=r["community_code"] or "")
        for r in held.iter_rows(named=True)], batch_size=5000)
    BackPay.objects.filter(run=run).delete()
    BackPay.objects.bulk_create([
        BackPay(run=run, elder_id=r["id"], month=r["month"], amount_fen=r["amount_fen"],
                community_code=r["community_code"] or "")
        for r in lines.iter_rows(named=True)], batch_size=5000)


def _record_overpayments(actor: Any, run: BenefitRun, lines: list[Overpayment]) -> None:
    for line in Overpayment.objects.bulk_create(lines):
        audit(actor=actor, action="overpayment.create", obj=line, after=snapshot(line, [
            "elder_id", "source_run_id", "amount_fen", "months", "reason", "status"]))


def _plan_deductions(run: BenefitRun, paid: pl.DataFrame) -> dict[str, int]:
    """Replace the run's deductions for overpayments (rules: ``recovery``)."""
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
        overpayment_id__in=[pk for pk, *_ in lines], run__state__in=recovery.PENDING_STATES,
    ).exclude(run=run).values("overpayment_id").annotate(fen=Sum("amount_fen")).values_list(
        "overpayment_id", "fen"))
    amounts = paid.filter(pl.col("id").is_in([e for _pk, e, *_ in lines]))
    got = recovery.deductions([(pk, e, amt - rec) for pk, e, amt, rec in lines],
                              dict(zip(amounts.get_column("id"),
                                       amounts.get_column("amount_fen"), strict=True)),
                              reserved, recovery.share())
    Deduction.objects.bulk_create([Deduction(run=run, overpayment_id=o, elder_id=e,
                                             amount_fen=fen) for o, e, fen in got])
    return {"count": len(got), "total_fen": sum(fen for *_, fen in got)}


@transaction.atomic
def run_review(*, actor: Any, run_id: int) -> BenefitRun:
    require(actor, "benefit.compute")
    run = _run_for(actor, run_id, for_update=True)
    if run.state != RunState.COMPUTED or run.busy_since:
        raise ServiceError(_("Only a computed run can be marked reviewed."), code="state")
    run.state, run.reviewed_by, run.reviewed_at = RunState.REVIEWED, actor, timezone.now()
    run.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    audit(actor=actor, action="benefit_run.review", obj=run, after={"state": run.state})
    return run


@transaction.atomic
def run_approve(*, actor: Any, run_id: int) -> BenefitRun:
    """Approve a reviewed run: by someone other than who computed it (four-eyes)."""
    require(actor, "benefit.approve")
    run = _run_for(actor, run_id, for_update=True)
    if run.state != RunState.REVIEWED or run.busy_since:
        raise ServiceError(_("Only a reviewed run can be approved."), code="state")
    if run.computed_by_id == actor.pk:
        raise ServiceError(_("A run must be approved by someone other than who computed it."),
                           code="four_eyes")
    if get_program(run.program).digest != run.policy_hash:
        raise ServiceError(_("The policy file changed after this run was computed: compute "
                             "it again."), code="stale_policy")
    run.state, run.approved_by, run.approved_at = RunState.APPROVED, actor, timezone.now()
    try:
        with transaction.atomic():
            run.save(update_fields=["state", "approved_by", "approved_at"])
    except IntegrityError as exc:
        raise ServiceError(_("Another run for this program, month and district is already "
                             "approved."), code="duplicate") from exc
    audit(actor=actor, action="benefit_run.approve", obj=run, after={"state": run.state})
    return run


@transaction.atomic
def run_export(*, actor: Any, run_id: int) -> BenefitRun:
    """Mark an approved run exported (the disbursement list left the system): frozen for good.
    The bank file is written by ``payments.services.run_export``, which calls this."""
    require(actor, "benefit.approve")
    run = _run_for(actor, run_id, for_update=True)
    if run.state != RunState.APPROVED:
        raise ServiceError(_("Only an approved run can be exported."), code="state")
    run.state, run.exported_at = RunState.EXPORTED, timezone.now()
    run.save(update_fields=["state", "exported_at"])
    audit(actor=actor, action="benefit_run.export", obj=run, after={"state": run.state})
    return run


@transaction.atomic
def supplementary_create(*, actor: Any, program: str, period: str, district_code: str,
                         today: dt.date | None = None) -> BenefitRun:
    """A draft supplementary run; the month's regular run must already be exported."""
    require(actor, "benefit.compute")
    get_program(program)
    _check_period(period, today)
    area = _district(actor, district_code)
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


def _store_supplementary(actor: Any, run: BenefitRun, lines: pl.DataFrame,
                         claim: Claim) -> BenefitRun:
    """Claim the owed lines and back-pay months; replaces the run's rows whole."""
    run, before = _locked_open(run)
    Resend.objects.filter(run=run).delete()
    resends = Resend.objects.bulk_create([
        Resend(run=run, payment=p, elder_id=p.elder_id, amount_fen=p.amount_fen,
               community_code=p.community_code) for p in supplementary.owed_lines(run)])
    _write_backpay(run, pl.DataFrame(schema=backpay.WITHHELD_SCHEMA), lines)
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
    claim.step("done", len(elders), len(elders))
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
