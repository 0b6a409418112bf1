"""Reading and reviewing a run's check findings (rules in anlao.benefits.checks.rules).

Reads are scoped through the run (a run outside the actor's jurisdiction is NotFound);
confirming or dismissing a finding needs ``benefit.approve`` and a note, and is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.benefits.checks.rules import RULES
from anlao.benefits.models import BenefitRun, CheckFinding, FindingStatus
from anlao.benefits.runs import selectors
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.roles import require
from anlao.core.scoping import scope_by_area
from anlao.people.selectors import elders_visible

REVIEW_FIELDS = ["status", "note", "reviewed_by_id"]


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
    return [{"code": code, "label": str(rule.label), "explain": str(rule.explain),
             "total": sum(totals.get(code, {}).values()),
             "open": totals.get(code, {}).get(FindingStatus.OPEN, 0)}
            for code, rule in RULES.items()]


def with_elders(actor: Any, findings: list[CheckFinding]) -> list[tuple[CheckFinding, Any]]:
    """Each finding with its elder row (visible elders only; masked on the page)."""
    elders = elders_visible(actor).select_related("residence_area").in_bulk(
        [f.elder_id for f in findings])
    return [(f, elders[f.elder_id]) for f in findings if f.elder_id in elders]


@transaction.atomic
def finding_review(*, actor: Any, finding_id: int, status: str, note: str) -> CheckFinding:
    """Confirm or dismiss one finding with a note (``benefit.approve``)."""
    require(actor, "benefit.approve")
    runs = scope_by_area(BenefitRun.objects.all(), actor, "area")
    finding = CheckFinding.objects.select_for_update().filter(
        pk=finding_id, run__in=runs.values("id")).first()
    if finding is None:
        raise NotFound(_("No such finding."))
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in (FindingStatus.CONFIRMED, FindingStatus.DISMISSED):
        errors["status"] = [_("Choose confirmed or dismissed.")]
    if not note:
        errors["note"] = [_("A note is required.")]
    elif len(note) > 255:
        errors["note"] = [_("The note is too long (at most 255 characters).")]
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(finding, REVIEW_FIELDS)
    finding.status, finding.note = status, note
    finding.reviewed_by, finding.reviewed_at = actor, timezone.now()
    finding.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
    audit(actor=actor, action="benefit_check.review", obj=finding, before=before,
          after=snapshot(finding, REVIEW_FIELDS))
    return finding


def run_for_findings(*, actor: Any, run_id: int) -> BenefitRun:
    """The run, if the actor may see runs and this one is in scope (else NotFound)."""
    return selectors.run_get(actor=actor, run_id=run_id)
