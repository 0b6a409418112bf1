"""Reading and reviewing a run's check findings (rules in anlao.benefits.checks.rules).

Reads are scoped through the run (a run outside the actor's jurisdiction is NotFound);
confirming or dismissing a finding needs ``benefit.approve`` and a note, and is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.selectors import area_by_code
from anlao.benefits.checks.lifeverify import WorkItem, current_due
from anlao.benefits.checks.rules import RULES
from anlao.benefits.engine.evaluation import verification_due
from anlao.benefits.models import (
    FINAL_STATES,
    BenefitRun,
    CheckFinding,
    Entitlement,
    LifeVerification,
)
from anlao.benefits.policy.programs import get_program
from anlao.benefits.runs import selectors
from anlao.core.errors import PermissionDenied, ServiceError
from anlao.core.periods import add_months, month_start
from anlao.core.roles import has_perm
from anlao.core.rules import Status
from anlao.core.scoping import narrow_to_area
from anlao.people.selectors import elders_visible


def findings_for(*, actor: Any, run: BenefitRun, rule: str = "",
                 status: str = "") -> QuerySet[CheckFinding]:
    """The findings of a run the actor may see (``run`` comes from selectors.run_get)."""
    qs = CheckFinding.objects.filter(run=run).select_related("reviewed_by")
    if rule:
        qs = qs.filter(rule=rule)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("rule", "elder_id")


def rule_counts(run: BenefitRun) -> list[dict[str, Any]]:
    """Per rule, in rule order: code, label, total and open findings."""
    rows = CheckFinding.objects.filter(run=run).values("rule", "status").annotate(n=Count("id"))
    totals: dict[str, dict[str, int]] = {}
    for r in rows:
        totals.setdefault(r["rule"], {}).setdefault(r["status"], 0)
        totals[r["rule"]][r["status"]] += r["n"]
    return [{"code": r.code, "label": str(r.title), "explain": str(r.description),
             "total": sum(totals.get(r.code, {}).values()),
             "open": totals.get(r.code, {}).get(Status.OPEN, 0)}
            for r in RULES.values()]


def with_elders(*, actor: Any, findings: list[CheckFinding]) -> list[tuple[CheckFinding, Any]]:
    """Each finding with its elder row (visible elders only; masked on the page)."""
    elders = elders_visible(actor=actor).select_related("residence_area").in_bulk(
        [f.elder_id for f in findings])
    return [(f, elders[f.elder_id]) for f in findings if f.elder_id in elders]


def run_for_findings(*, actor: Any, run_id: int) -> BenefitRun:
    """The run, if the actor may see runs and this one is in scope (else NotFound)."""
    return selectors.run_get(actor=actor, run_id=run_id)


def worklist(*, actor: Any, program: str, community_code: str,
             today: dt.date | None = None) -> dict[str, Any]:
    """Elders of one community the program pays (or stopped) who still owe a verification."""
    if not (has_perm(actor, "life.record") or has_perm(actor, "benefit.view")):
        raise PermissionDenied(_("You are not allowed to do this."))
    prog = get_program(program)
    today = today or timezone.localdate()
    version = prog.version_on(month_start(today))
    if version is None or version.life is None:
        raise ServiceError(_("This program has no life verification schedule."),
                           field="program")
    due, deadline = current_due(version.life, today)
    area = area_by_code(community_code)
    elders = narrow_to_area(elders_visible(actor=actor).filter(status="active"), actor,
                            "residence_area", area)
    since = add_months(due, -13).strftime("%Y-%m")
    paid = Entitlement.objects.filter(run__program=program, run__state__in=FINAL_STATES,
                                      run__period__gte=since).values("elder_id")
    latest = LifeVerification.objects.filter(elder=OuterRef("pk")).values("elder").annotate(
        d=Max("verified_on")).values("d")
    rows = (elders.filter(pk__in=paid).annotate(last_verified=Subquery(latest))
            .order_by("name", "pk"))
    # Overdue: the engine already stops them this month. Due: the window is open now.
    passed = verification_due(version.life, month_start(today))
    open_due = due if today <= deadline else None
    items = []
    for e in rows:
        lv = e.last_verified
        if passed and (lv is None or lv < passed):
            items.append(WorkItem(e, lv, "overdue"))
        elif open_due and (lv is None or lv < open_due):
            items.append(WorkItem(e, lv, "due"))
    return {"program": prog, "area": area, "due": due, "deadline": deadline,
            "window_open": open_due is not None, "items": items,
            "due_count": sum(i.state == "due" for i in items),
            "overdue_count": sum(i.state == "overdue" for i in items)}
