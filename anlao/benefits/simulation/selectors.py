"""Reads of the simulation pages: the policy text to start a draft from, the changed elders
(masked), and budget against actual per month."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from anlao.benefits.models import RunState
from anlao.benefits.policy.programs import load_programs, policy_dir
from anlao.benefits.policy.selectors import program_get
from anlao.benefits.runs.selectors import runs_for
from anlao.benefits.simulation.budget import monthly_budget
from anlao.benefits.simulation.simulate import KINDS, PERMISSION, Simulation
from anlao.core.errors import NotFound, PermissionDenied
from anlao.core.masking import mask_id_number, mask_name
from anlao.core.roles import has_perm, require
from anlao.people.selectors import elders_visible

RANK = {RunState.EXPORTED: 4, RunState.APPROVED: 3, RunState.REVIEWED: 2, RunState.COMPUTED: 1}


def program_source(*, actor: Any, code: str) -> str:
    """The current policy file's text, to start a draft from."""
    require(actor, PERMISSION)
    if code not in load_programs():
        raise NotFound(_("No such benefit program."))
    return (policy_dir() / f"{code}.yaml").read_text(encoding="utf-8")


def changed_elders(*, actor: Any, sim: Simulation, kind: str = "", page: int = 1,
                   per_page: int = 20) -> tuple[list[dict[str, Any]], int]:
    """One page of changed elders (masked) and the number of pages."""
    rows = sim.changes.filter(pl.col("kind").is_not_null())
    if kind in KINDS:
        rows = rows.filter(pl.col("kind") == kind)
    rows = rows.sort("kind", "id")
    pages = max(1, -(-rows.height // per_page))
    page = min(max(1, page), pages)
    return masked_rows(actor=actor, rows=rows.slice((page - 1) * per_page, per_page)), pages


def masked_rows(*, actor: Any, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Changed elders with masked name and ID number; only elders the actor may see."""
    ids = rows.get_column("id").to_list()
    people = {pk: (name, idn) for pk, name, idn in elders_visible(actor=actor).filter(
        pk__in=ids).values_list("pk", "name", "id_number")}
    return [{**r, "name": mask_name(people[r["id"]][0]),
             "id_number": mask_id_number(people[r["id"]][1]),
             "delta_fen": r["draft_fen"] - r["current_fen"]}
            for r in rows.to_dicts() if r["id"] in people]


def _best_runs(actor: Any, code: str, year: int) -> dict[tuple[int, int], Any]:
    best: dict[tuple[int, int], Any] = {}
    runs = runs_for(actor=actor, program=code).filter(period__startswith=f"{year}-",
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
