"""Every read of benefit runs, scoped to the actor (a run outside the jurisdiction is
NotFound; the rows of a run are read through the run ``run_get`` returned)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anlao.benefits.models import (
    BackPay,
    BenefitRun,
    Deduction,
    Entitlement,
    Resend,
    RunChange,
    RunKind,
    RunState,
)
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm
from anlao.core.scoping import scope_by_area
from anlao.people.selectors import elders_visible


def runs_in_scope(*, actor: Any) -> QuerySet[BenefitRun]:
    """Runs of districts in the actor's jurisdiction (services check the permission)."""
    return scope_by_area(BenefitRun.objects.all(), actor, "area")


def runs_for(*, actor: Any, program: str = "", period: str = "") -> QuerySet[BenefitRun]:
    if not has_perm(actor, "benefit.view"):
        return BenefitRun.objects.none()
    qs = runs_in_scope(actor=actor).select_related(
        "area", "computed_by", "approved_by", "reviewed_by")
    if program:
        qs = qs.filter(program=program)
    if period:
        qs = qs.filter(period=period)
    return qs


def open_regular_run(*, actor: Any, program: str, period: str,
                     district_code: str) -> BenefitRun | None:
    """The district's regular run of the program and month not yet approved, if any."""
    return runs_for(actor=actor, program=program, period=period).filter(
        area__code=district_code, kind=RunKind.REGULAR,
        state__in=[RunState.DRAFT, RunState.COMPUTED, RunState.REVIEWED]).first()


def run_get(*, actor: Any, run_id: int) -> BenefitRun:
    run = runs_for(actor=actor).filter(pk=run_id).first()
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
    elders = elders_visible(actor=actor).in_bulk([r.elder_id for r in rows])
    return [(r, elders.get(r.elder_id)) for r in rows if r.elder_id in elders]


def entitlement_for(*, actor: Any, run: BenefitRun, elder_id: int) -> Entitlement | None:
    return Entitlement.objects.filter(run=run, elder_id=elder_id).first()


def deductions_for(*, actor: Any, program: str, period: str,
                   elder_id: int) -> list[dict[str, Any]]:
    """What the program's regular run of ``period`` withholds from the elder (recovery.py)."""
    rows = Deduction.objects.filter(
        run__in=runs_for(actor=actor, program=program, period=period).filter(kind=RunKind.REGULAR),
        elder_id=elder_id).select_related("overpayment__source_run").order_by("pk")
    return [{"amount": d.amount_display, "amount_fen": d.amount_fen,
             "source_period": d.overpayment.source_run.period} for d in rows]


def elders_by_id(*, actor: Any, ids: list[int]) -> dict[int, Any]:
    """The visible elders among ``ids``, by id (others are left out of run tables)."""
    return elders_visible(actor=actor).in_bulk(ids)


def run_deductions(*, actor: Any, run: BenefitRun, limit: int = 200) -> list[Deduction]:
    """A regular run's deductions for overpayments (``run`` comes from ``run_get``)."""
    return list(Deduction.objects.filter(run=run).select_related(
        "overpayment", "overpayment__source_run").order_by("elder_id")[:limit])


def run_resends(*, actor: Any, run: BenefitRun, limit: int = 200) -> list[Resend]:
    """The failed or held lines a supplementary run pays again."""
    return list(Resend.objects.filter(run=run).select_related("payment", "payment__run")
                .order_by("community_code", "elder_id")[:limit])


def run_backpays(*, actor: Any, run: BenefitRun, limit: int = 200) -> list[BackPay]:
    """The back-pay months a run pays."""
    return list(BackPay.objects.filter(run=run).order_by("community_code", "elder_id",
                                                         "month")[:limit])
