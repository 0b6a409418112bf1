"""Why one elder gets what they get: the engine run for one visible elder."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anlao.benefits.engine.evaluation import Explanation, explain
from anlao.benefits.engine.frame import load_frame
from anlao.benefits.policy.programs import load_programs
from anlao.benefits.policy.selectors import program_get
from anlao.core.errors import ServiceError
from anlao.core.periods import parse_month
from anlao.core.roles import require
from anlao.people.selectors import elder_get, elders_visible


def explain_elder(*, actor: Any, program: str, period: str, elder_id: int) -> Explanation:
    """Why one visible elder gets what they get in one period — the run's own code path."""
    require(actor, "benefit.explain")
    prog = program_get(actor=actor, code=program)
    try:
        start = parse_month(period)
    except ValueError as exc:
        raise ServiceError(_("The period must look like 2026-04."), field="period") from exc
    elder = elder_get(actor=actor, elder_id=elder_id)
    row = load_frame(elders_visible(actor=actor).filter(pk=elder.pk))
    return explain(prog, row, start, load_programs())
