"""Reassessment schedules (selectors): who is overdue, who is due soon, who was never assessed.

A reassessment is due ``ASSESSMENT_REASSESS_MONTHS`` (12) after the current final assessment,
and at once when an open change-of-condition request exists. Lists cover active elders the
actor may see (``assessable_elders``), optionally under one area (street or community code).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anlao.areas.selectors import area_by_code
from anlao.assessments import conf
from anlao.assessments.models import (
    Assessment,
    AssessmentReason,
    AssessmentRequest,
    RequestStatus,
)
from anlao.assessments.selectors import assessable_elders
from anlao.core.periods import add_months
from anlao.core.scoping import narrow_to_area
from anlao.people.models import Elder, ElderStatus


@dataclass(frozen=True)
class DueRow:
    elder: Elder
    last_final_on: dt.date | None
    due_on: dt.date
    overdue: bool
    change_of_condition: bool  # an open change-of-condition request made it due


def active_elders_in_scope(actor: Any, area_code: str) -> QuerySet[Elder]:
    qs = assessable_elders(actor=actor).filter(status=ElderStatus.ACTIVE)
    if not area_code:
        return qs
    return narrow_to_area(qs, actor, "residence_area", area_by_code(area_code))


def elders_due(actor: Any, *, area_code: str = "", today: dt.date | None = None,
               within_days: int | None = None) -> QuerySet[Elder]:
    """Elders whose reassessment is overdue or due within ``within_days`` (default
    ``ASSESSMENT_DUE_SOON_DAYS``), or who have an open change-of-condition request; annotated
    with ``last_final_on`` and ``has_change_request``; oldest assessment first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=conf.due_soon_days() if within_days is None
                                   else within_days)
    # due_on(last) <= horizon  ⇔  last <= horizon − N months (month arithmetic, not days)
    cutoff = add_months(horizon, -conf.reassess_months())
    current = Assessment.objects.filter(elder=OuterRef("pk"), is_current=True)
    change = AssessmentRequest.objects.filter(
        elder=OuterRef("pk"), status=RequestStatus.OPEN,
        reason=AssessmentReason.CHANGE_OF_CONDITION)
    qs = active_elders_in_scope(actor, area_code).annotate(
        last_final_on=current.values("assessed_on")[:1], has_current=Exists(current),
        has_change_request=Exists(change),
    )
    return (qs.filter(Q(has_current=True, last_final_on__lte=cutoff)
                      | Q(has_change_request=True))
            .order_by("last_final_on", "pk")
            .select_related("residence_area", "residence_area__parent"))


def due_rows(elders: list[Elder], today: dt.date | None = None) -> list[DueRow]:
    """Due dates for one page of ``elders_due`` (computed in Python: month arithmetic)."""
    today = today or timezone.localdate()
    rows = []
    for e in elders:
        due = conf.due_on(e.last_final_on) if e.last_final_on else today
        if e.has_change_request:
            due = min(due, today)
        rows.append(DueRow(e, e.last_final_on, due, due < today or (
            e.has_change_request and due <= today), e.has_change_request))
    return rows


def elders_never_assessed(actor: Any, *, area_code: str = "") -> QuerySet[Elder]:
    """Active elders in scope with no assessment at all (not even a draft)."""
    anything = Assessment.objects.filter(elder=OuterRef("pk"))
    return (active_elders_in_scope(actor, area_code).filter(~Exists(anything))
            .select_related("residence_area", "residence_area__parent"))


def schedule_counts(actor: Any, *, area_code: str = "", today: dt.date | None = None
                    ) -> dict[str, int]:
    """Headline numbers for the schedule page: overdue, due soon, never assessed."""
    today = today or timezone.localdate()
    overdue_cut = add_months(today - dt.timedelta(days=1), -conf.reassess_months())
    due = elders_due(actor, area_code=area_code, today=today)
    overdue = due.filter(has_current=True, last_final_on__lte=overdue_cut).count()
    return {"overdue": overdue, "due_soon": due.count() - overdue,
            "never_assessed": elders_never_assessed(actor, area_code=area_code).count()}
