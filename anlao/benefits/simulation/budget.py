"""Budget vs actual per program and month: the policy file's ``budget`` against the runs."""

from __future__ import annotations

from typing import Any

from anlao.benefits.models import RunState
from anlao.benefits.runs.selectors import program_get, runs_for
from anlao.core.errors import PermissionDenied
from anlao.core.roles import has_perm

# Per (month, area) the most advanced run counts: an exported list over a later recompute.
RANK = {RunState.EXPORTED: 4, RunState.APPROVED: 3, RunState.REVIEWED: 2, RunState.COMPUTED: 1}


def monthly_budget(annual_fen: int, monthly_fen: int | None) -> list[int]:
    """Twelve monthly amounts that add up to the annual budget exactly (remainder up front)."""
    if monthly_fen is not None:
        return [monthly_fen] * 12
    base, rest = divmod(annual_fen, 12)
    return [base + (1 if i < rest else 0) for i in range(12)]


def _best_runs(actor: Any, code: str, year: int) -> dict[tuple[int, int], Any]:
    best: dict[tuple[int, int], Any] = {}
    runs = runs_for(actor, program=code).filter(period__startswith=f"{year}-",
                                                 state__in=list(RANK), kind="regular")
    for run in runs.select_related(None).only("period", "area_id", "state", "total_fen", "id"):
        key = (int(run.period[5:7]), run.area_id)
        if key not in best or (RANK[run.state], run.id) > (RANK[best[key].state], best[key].id):
            best[key] = run
    return best


def budget_vs_actual(*, actor: Any, code: str, year: int) -> dict[str, Any]:
    """Month by month: budget, computed and exported totals (fen), and running sums."""
    if not has_perm(actor, "benefit.view"):
        raise PermissionDenied("not allowed")
    program = program_get(actor=actor, code=code)
    spec = program.budget.get(year)
    budget = monthly_budget(spec["annual_fen"], spec["monthly_fen"]) if spec else [0] * 12
    actual, exported = [0] * 12, [0] * 12
    for (month, _area), run in _best_runs(actor, code, year).items():
        actual[month - 1] += run.total_fen
        if run.state == RunState.EXPORTED:
            exported[month - 1] += run.total_fen
    months, cum_b, cum_a = [], 0, 0
    for i in range(12):
        cum_b, cum_a = cum_b + budget[i], cum_a + actual[i]
        months.append({"month": i + 1, "budget_fen": budget[i] if spec else None,
                       "actual_fen": actual[i], "exported_fen": exported[i],
                       "cum_budget_fen": cum_b if spec else None, "cum_actual_fen": cum_a,
                       "remaining_fen": cum_b - cum_a if spec else None})
    return {"program": program, "year": year, "has_budget": bool(spec),
            "annual_fen": spec["annual_fen"] if spec else None, "months": months,
            "actual_total_fen": sum(actual), "exported_total_fen": sum(exported),
            "years": sorted(program.budget)}
