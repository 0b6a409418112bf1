"""Simulate a policy draft against the current policy, without writing any entitlement.

Both policies run through the engine's compiled path (``engine.evaluation.evaluate``) on the
same scoped frame, so a simulation can never disagree with the run it predicts. The only row
written is the audit entry ``benefit.simulate`` (``services.simulate``). This module holds the
draft's validation and the comparison, street by street.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.benefits.policy.programs import Program, load_programs, program_from_text
from anlao.benefits.policy.yamlmarks import PolicyError
from anlao.core.errors import ValidationFailed

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


def parse_draft(program: Program, text: str) -> Program:
    """The draft, validated by the very parser the runs use; DraftError names the line."""
    if len(text) > MAX_DRAFT_CHARS:
        raise ValidationFailed({"draft": [_("The draft is too long.")]})
    name = f"{program.code}.yaml (draft)"
    try:
        plain = program_from_text(text, name)
        # A deployment's BENEFITS_PARAMS override applies only where the draft kept the
        # file's default: an amount the user edited in the draft must take effect.
        wanted = settings.BENEFITS_PARAMS.get(program.code, {})
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
