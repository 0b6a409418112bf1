"""Every read of the benefits engine, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anlao.benefits.engine.evaluation import Explanation, explain, parse_period
from anlao.benefits.engine.frame import load_frame
from anlao.benefits.models import BenefitRun, Deduction, Entitlement, RunChange, RunKind
from anlao.benefits.policy.programs import Program, load_programs
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.roles import has_perm, require
from anlao.core.scoping import scope_by_area
from anlao.people.selectors import elder_get, elders_visible


def programs_for(actor: Any) -> list[Program]:
    require(actor, "policy.view")
    return sorted(load_programs().values(), key=lambda p: p.code)


def program_get(*, actor: Any, code: str) -> Program:
    require(actor, "policy.view")
    program = load_programs().get(code)
    if program is None:
        raise NotFound("no such program")
    return program


def runs_for(actor: Any, *, program: str = "", period: str = "") -> QuerySet[BenefitRun]:
    if not has_perm(actor, "benefit.view"):
        return BenefitRun.objects.none()
    qs = scope_by_area(BenefitRun.objects.all(), actor, "area").select_related(
        "area", "computed_by", "approved_by", "reviewed_by")
    if program:
        qs = qs.filter(program=program)
    if period:
        qs = qs.filter(period=period)
    return qs


def run_get(*, actor: Any, run_id: int) -> BenefitRun:
    run = runs_for(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound("no such run")
    return run


def run_changes(*, actor: Any, run: BenefitRun, kind: str = "",
                limit: int = 50) -> list[tuple[RunChange, Any]]:
    """The first ``limit`` changed elders with the elder row (visible ones only)."""
    qs = RunChange.objects.filter(run=run).order_by("kind", "elder_id")
    if kind:
        qs = qs.filter(kind=kind)
    rows = list(qs[:limit])
    elders = elders_visible(actor).in_bulk([r.elder_id for r in rows])
    return [(r, elders.get(r.elder_id)) for r in rows if r.elder_id in elders]


def entitlement_for(*, actor: Any, run: BenefitRun, elder_id: int) -> Entitlement | None:
    return Entitlement.objects.filter(run=run, elder_id=elder_id).first()


def deductions_for(*, actor: Any, program: str, period: str,
                   elder_id: int) -> list[dict[str, Any]]:
    """What the program's regular run of ``period`` withholds from the elder (recovery.py)."""
    rows = Deduction.objects.filter(
        run__in=runs_for(actor, program=program, period=period).filter(kind=RunKind.REGULAR),
        elder_id=elder_id).select_related("overpayment__source_run").order_by("pk")
    return [{"amount": d.amount_display, "amount_fen": d.amount_fen,
             "source_period": d.overpayment.source_run.period} for d in rows]


def explain_elder(*, actor: Any, program: str, period: str, elder_id: int) -> Explanation:
    """Why one visible elder gets what they get in one period — the run's own code path."""
    if not (has_perm(actor, "benefit.view") or has_perm(actor, "elder.view")):
        raise PermissionDenied("not allowed")
    prog = program_get(actor=actor, code=program)
    try:
        start = parse_period(period)
    except ValueError as exc:
        raise ServiceError(str(exc), field="period") from exc
    elder = elder_get(actor=actor, elder_id=elder_id)
    row = load_frame(elders_visible(actor).filter(pk=elder.pk))
    return explain(prog, row, start, load_programs())
