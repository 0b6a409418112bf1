"""Excel export of a simulation: the per-street table and every changed elder (masked)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from openpyxl import Workbook

from anlao.benefits.simulation.selectors import masked_rows
from anlao.benefits.simulation.simulate import Simulation
from anlao.core import xlsx
from anlao.core.money import fen_to_yuan

CHUNK = 500  # keeps each "pk IN (…)" well under SQLite's parameter limit
MAX_ROWS = 100_000


def _yuan(fen: int) -> Decimal:
    return fen_to_yuan(fen)  # openpyxl writes Decimal as a number: no float on our side


def _streets_sheet(ws: Any, sim: Simulation) -> None:
    ws.title = _("Streets")
    xlsx.append(ws, [_("Street"), _("Eligible now"), _("Eligible in draft"),
                     _("Monthly now (yuan)"), _("Monthly in draft (yuan)"),
                     _("Yearly now (yuan)"), _("Yearly in draft (yuan)"),
                     _("Yearly change (yuan)")])
    for r in [*sim.streets, {**sim.total, "street": _("Total")}]:
        xlsx.append(ws, [r["street"], r["current_eligible"], r["draft_eligible"],
                         _yuan(r["current_monthly_fen"]), _yuan(r["draft_monthly_fen"]),
                         _yuan(r["current_yearly_fen"]), _yuan(r["draft_yearly_fen"]),
                         _yuan(r["delta_yearly_fen"])])


def _changes_sheet(ws: Any, actor: Any, sim: Simulation) -> None:
    labels = {"new": _("new"), "dropped": _("dropped"), "gainer": _("gains"),
              "loser": _("loses")}
    xlsx.append(ws, [_("Change"), _("Name"), _("ID number"), _("Street"),
                     _("Period amount now (yuan)"), _("Period amount in draft (yuan)")])
    rows = sim.changes.filter(pl.col("kind").is_not_null()).sort("kind", "id").head(MAX_ROWS)
    streets = {r["street_code"]: r["street"] for r in sim.streets}
    for offset in range(0, rows.height, CHUNK):
        for r in masked_rows(actor=actor, rows=rows.slice(offset, CHUNK)):
            xlsx.append(ws, [labels[r["kind"]], r["name"], r["id_number"],
                             streets.get(r["street_code"], ""), _yuan(r["current_fen"]),
                             _yuan(r["draft_fen"])])


def workbook_bytes(*, actor: Any, sim: Simulation) -> bytes:
    wb = Workbook()
    _streets_sheet(wb.active, sim)
    _changes_sheet(wb.create_sheet(_("Gainers and losers")), actor, sim)
    return xlsx.workbook_bytes(wb)
