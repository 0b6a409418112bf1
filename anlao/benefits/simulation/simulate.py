"""Simulate a policy draft against the current policy, without writing any entitlement.

Both policies run through the engine's compiled path (``engine.evaluate``) on the same scoped
frame, so a simulation can never disagree with the run it predicts. The only row written is
the audit entry ``benefit.simulate``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.benefits.engine.evaluation import evaluate, parse_period
from anlao.benefits.engine.frame import elders_in_area, load_frame
from anlao.benefits.policy.programs import Program, load_programs, policy_dir, program_from_text
from anlao.benefits.policy.yamlmarks import PolicyError
from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.masking import mask_id_number, mask_name
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope
from anlao.people.selectors import elders_visible

PERMISSION = "benefit.compute"
KINDS = ("new", "dropped", "gainer", "loser")
MAX_DRAFT_CHARS = 100_000


class DraftError(ValidationFailed):
    """The draft does not parse; ``line`` is the 1-based line the parser names (or None)."""

    def __init__(self, error: PolicyError):
        super().__init__({"draft": [str(error)]})
        self.line = error.line


@dataclass
class Simulation:
    program: Program
    draft: Program
    period: str
    area: Area
    months_per_payment: int
    streets: list[dict[str, Any]]
    total: dict[str, Any]
    counts: dict[str, int]
    changes: pl.DataFrame = field(repr=False)


def program_source(*, actor: Any, code: str) -> str:
    """The current policy file's text, to start a draft from."""
    require(actor, PERMISSION)
    if code not in load_programs():
        raise NotFound(_("No such benefit program."))
    return (policy_dir() / f"{code}.yaml").read_text(encoding="utf-8")


def parse_draft(program: Program, text: str) -> Program:
    """The draft, validated by the very parser the runs use; DraftError names the line."""
    if len(text) > MAX_DRAFT_CHARS:
        raise ValidationFailed({"draft": [_("The draft is too long.")]})
    name = f"{program.code}.yaml (draft)"
    try:
        plain = program_from_text(text, name)
        # A deployment's BENEFITS_PARAMS override applies only where the draft kept the
        # file's default: an amount the user edited in the draft must take effect.
        wanted = getattr(settings, "BENEFITS_PARAMS", {}).get(program.code, {})
        keep = {k: v for k, v in wanted.items() if k in plain.params and k in program.params
                and plain.params[k]["default"] == program.params[k]["default"]}
        draft = program_from_text(text, name, keep) if keep else plain
    except PolicyError as exc:
        raise DraftError(exc) from exc
    if draft.code != program.code:
        raise DraftError(PolicyError(name, 1, "program",
                                     f"the draft must keep the program code {program.code!r}"))
    known = load_programs()
    for v in draft.versions:
        for other in v.exclusive_with:
            if other not in known:
                raise DraftError(PolicyError(name, None, "exclusive_with",
                                             f"unknown program {other!r}"))
    return draft


def _area(actor: Any, program: Program, area_code: str) -> Area:
    area = Area.objects.current().filter(code=area_code).first()
    if area is None or not area_in_scope(actor, area):
        raise NotFound(_("No such area in your jurisdiction."))
    if f"/{program.jurisdiction}/" not in f"/{area.path}":
        raise ServiceError(_("This area lies outside the program's jurisdiction."), field="area")
    return area


def _start(period: str) -> dt.date:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise ServiceError(_("The period must look like 2026-04."), field="period") from exc


def compare(current: pl.DataFrame, draft: pl.DataFrame, streets: pl.Series) -> pl.DataFrame:
    """Per elder: current and draft amounts and the kind of change (null: unchanged)."""
    cur, new = pl.col("current_fen"), pl.col("draft_fen")
    return pl.DataFrame({
        "id": current.get_column("id"), "street_code": streets,
        "current_fen": current.get_column("amount_fen"),
        "draft_fen": draft.get_column("amount_fen"),
    }).with_columns(kind=pl.when((cur == 0) & (new > 0)).then(pl.lit("new"))
                    .when((cur > 0) & (new == 0)).then(pl.lit("dropped"))
                    .when(new > cur).then(pl.lit("gainer"))
                    .when(new < cur).then(pl.lit("loser")).otherwise(None))


def per_month(period_fen: int, months: int) -> int:
    """The period's amount as a monthly figure, rounded half up (exact for monthly programs)."""
    return (2 * period_fen + months) // (2 * months)


def _money(row: dict[str, Any], months: int) -> dict[str, Any]:
    for side in ("current", "draft"):
        fen = row.pop(f"{side}_period_fen")
        row[f"{side}_monthly_fen"] = per_month(fen, months)
        row[f"{side}_yearly_fen"] = fen * (12 // months)
    row["delta_yearly_fen"] = row["draft_yearly_fen"] - row["current_yearly_fen"]
    return row


def street_table(changes: pl.DataFrame, months: int) -> tuple[list[dict], dict[str, Any]]:
    """Eligible counts and cost per street, and the total line, all in whole fen."""
    agg = changes.group_by("street_code").agg(
        current_eligible=(pl.col("current_fen") > 0).sum(),
        draft_eligible=(pl.col("draft_fen") > 0).sum(),
        current_period_fen=pl.col("current_fen").sum(),
        draft_period_fen=pl.col("draft_fen").sum(),
    ).sort("street_code")
    names = dict(Area.objects.current().filter(
        code__in=[c for c in agg.get_column("street_code").to_list() if c]
    ).values_list("code", "name"))
    rows = [_money({**r, "street": names.get(r["street_code"], r["street_code"] or "—")}, months)
            for r in agg.to_dicts()]
    total = {k: int(changes.select(expr).item() or 0) for k, expr in {
        "current_eligible": (pl.col("current_fen") > 0).sum(),
        "draft_eligible": (pl.col("draft_fen") > 0).sum(),
        "current_period_fen": pl.col("current_fen").sum(),
        "draft_period_fen": pl.col("draft_fen").sum()}.items()}
    return rows, _money(total, months)


@transaction.atomic
def simulate(*, actor: Any, program: str, period: str, area_code: str,
             draft_text: str) -> Simulation:
    """Current policy vs the draft for the actor's elders under ``area_code`` in ``period``."""
    require(actor, PERMISSION)
    programs = load_programs()
    current = programs.get(program)
    if current is None:
        raise NotFound(_("No such benefit program."))
    start = _start(period)
    draft = parse_draft(current, draft_text)
    area = _area(actor, current, area_code)
    version = draft.version_on(start) or current.version_on(start)
    months = version.months_per_payment if version else 1
    if start.month % months != 1 % months:
        raise ServiceError(_("This program pays quarterly: choose January, April, July or "
                             "October."), field="period")
    frame = load_frame(elders_in_area(actor, area))
    changes = compare(evaluate(current, frame, start, programs),
                      evaluate(draft, frame, start, {**programs, program: draft}),
                      frame.get_column("street_code"))
    streets, total = street_table(changes, months)
    kinds = changes.get_column("kind").value_counts()
    counts = {k: 0 for k in KINDS}
    counts.update({r["kind"]: int(r["count"]) for r in kinds.to_dicts() if r["kind"]})
    audit(actor=actor, action="benefit.simulate", entity="benefits.program", entity_id=program,
          after={"period": period, "area": area.code, "draft": draft.digest, **counts,
                 "current_yearly_fen": total["current_yearly_fen"],
                 "draft_yearly_fen": total["draft_yearly_fen"]})
    return Simulation(current, draft, period, area, months, streets, total, counts, changes)


def changed_elders(*, actor: Any, sim: Simulation, kind: str = "", page: int = 1,
                   per_page: int = 20) -> tuple[list[dict[str, Any]], int]:
    """One page of changed elders (masked) and the number of pages."""
    rows = sim.changes.filter(pl.col("kind").is_not_null())
    if kind in KINDS:
        rows = rows.filter(pl.col("kind") == kind)
    rows = rows.sort("kind", "id")
    pages = max(1, -(-rows.height // per_page))
    page = min(max(1, page), pages)
    return masked_rows(actor, rows.slice((page - 1) * per_page, per_page)), pages


def masked_rows(actor: Any, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Changed elders with masked name and ID number; only elders the actor may see."""
    ids = rows.get_column("id").to_list()
    people = {pk: (name, idn) for pk, name, idn in elders_visible(actor).filter(
        pk__in=ids).values_list("pk", "name", "id_number")}
    return [{**r, "name": mask_name(people[r["id"]][0]),
             "id_number": mask_id_number(people[r["id"]][1]),
             "delta_fen": r["draft_fen"] - r["current_fen"]}
            for r in rows.to_dicts() if r["id"] in people]
