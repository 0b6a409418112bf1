"""Writes of the checks: running the fraud and error rules over a run (rules in ``rules``),
reviewing a finding, and recording a life verification (生存认证).

Confirming or dismissing a finding needs ``benefit.approve`` and a note, and is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.benefits.checks.lifeverify import MIN_FACE_SCORE
from anlao.benefits.checks.rules import RULES, STORE
from anlao.benefits.models import (
    BenefitRun,
    CheckFinding,
    LifeVerification,
    VerifyMethod,
)
from anlao.benefits.runs.selectors import runs_in_scope
from anlao.core.audit import audit, snapshot
from anlao.core.errors import ValidationFailed
from anlao.core.roles import require
from anlao.core.rules import DECISIONS, Status, finding_decide, findings_replace
from anlao.people.selectors import elder_get

REVIEW_FIELDS = ["status", "note", "reviewed_by_id"]

logger = logging.getLogger(__name__)


@transaction.atomic
def run_checks(*, actor: Any, run: BenefitRun,
               paid: pl.DataFrame | None = None) -> dict[str, int]:
    """Run every rule and replace the run's findings (call inside the compute transaction).

    ``paid``: during a compute, the run's paid elders (``id``, ``amount_fen``) with the
    registry columns it was evaluated on (``stored_status``, ``status_date``,
    ``birth_date``); the rules then read those instead of joining the run's entitlements to
    the registry again. Without it (a re-check later) every rule queries the database.

    Returns the number of findings per rule (stored in the run's summary).
    """
    rows, counts = [], {}
    for rule in RULES.values():
        started = time.perf_counter()
        found = rule.check(run, paid)
        counts[rule.code] = len(found)
        logger.info("check %s on run %s: %d findings in %.2f s", rule.code, run.pk, len(found),
                    time.perf_counter() - started)
        rows += [CheckFinding(run=run, rule=rule.code, elder_id=eid, detail=detail)
                 for eid, detail in found.items()]
    started = time.perf_counter()
    findings_replace(STORE, CheckFinding.objects.filter(run=run), rows)
    logger.info("checks on run %s: %d findings written in %.2f s", run.pk, len(rows),
                time.perf_counter() - started)
    audit(actor=actor, action="benefit_check.run", obj=run, after={"findings": counts})
    return counts


@transaction.atomic
def finding_review(*, actor: Any, finding_id: int, status: str, note: str) -> CheckFinding:
    """Confirm or dismiss one open finding with a note (``benefit.approve``); a decided
    finding is final (the rules kernel's lifecycle)."""
    require(actor, "benefit.approve")
    runs = runs_in_scope(actor=actor)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in DECISIONS:
        errors["status"] = [_("Choose confirmed or dismissed.")]
    if not note:
        errors["note"] = [_("A note is required.")]
    if errors:
        raise ValidationFailed(errors)
    finding = finding_decide(STORE, CheckFinding.objects.filter(run__in=runs.values("id")),
                             finding_id=finding_id, to=status, actor=actor, note=note)
    audit(actor=actor, action="benefit_check.review", obj=finding,
          before={"status": Status.OPEN, "note": "", "reviewed_by_id": None},
          after=snapshot(finding, REVIEW_FIELDS))
    return finding


@transaction.atomic
def verification_record(*, actor: Any, elder_id: int, verified_on: dt.date, method: str,
                        note: str = "", reference: str = "",
                        score: Decimal | None = None) -> LifeVerification:
    """Record that an elder was seen alive; refuses future dates and unknown methods."""
    require(actor, "life.record")
    elder = elder_get(actor=actor, elder_id=elder_id)
    errors: dict[str, list[str]] = {}
    if method not in VerifyMethod.values:
        errors["method"] = [_("Choose how the elder was verified.")]
    if verified_on > timezone.localdate():
        errors["verified_on"] = [_("A verification cannot be dated in the future.")]
    if elder.status == "deceased" and elder.status_date and verified_on >= elder.status_date:
        errors["verified_on"] = [_("The registry records this elder as deceased on that "
                                   "date.")]
    if method == VerifyMethod.FACE and (score is None or score < MIN_FACE_SCORE):
        errors["score"] = [_("A face-recognition result needs a match score of at least "
                             "%(min)s.") % {"min": MIN_FACE_SCORE}]
    if errors:
        raise ValidationFailed(errors)
    row = LifeVerification.objects.create(
        elder=elder, verified_on=verified_on, method=method, note=note.strip()[:255],
        reference=reference.strip()[:64], score=score, recorded_by=actor)
    audit(actor=actor, action="life_verification.record", obj=row, after=snapshot(row, [
        "elder_id", "verified_on", "method", "reference", "score"]))
    return row
