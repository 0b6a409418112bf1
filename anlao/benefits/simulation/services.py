"""The simulation's one write: run the current policy and a draft over the same elders,
and audit that it was done (``benefit.simulate``); nothing else is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.areas.selectors import area_get
from anlao.benefits.engine.evaluation import evaluate
from anlao.benefits.engine.frame import elders_in_area, load_frame
from anlao.benefits.policy.programs import Program, load_programs
from anlao.benefits.simulation.simulate import (
    KINDS,
    PERMISSION,
    Simulation,
    compare,
    parse_draft,
    street_table,
)
from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError
from anlao.core.periods import parse_month
from anlao.core.roles import require


def _area(actor: Any, program: Program, area_code: str) -> Area:
    try:
        area = area_get(actor=actor, code=area_code)
    except NotFound as exc:
        raise NotFound(_("No such area in your jurisdiction.")) from exc
    if f"/{program.jurisdiction}/" not in f"/{area.path}":
        raise ServiceError(_("This area lies outside the program's jurisdiction."), field="area")
    return area


def _start(period: str) -> dt.date:
    try:
        return parse_month(period)
    except ValueError as exc:
        raise ServiceError(_("The period must look like 2026-04."), field="period") from exc


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
