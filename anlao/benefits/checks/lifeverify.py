"""Life verification (生存认证): recording proofs, and the per-community worklists.

Whether a payment month is covered is decided by the engine (``engine.verification_due``)
from the policy's ``life_verification`` schedule; this module only writes and lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.benefits.engine.evaluation import add_months, verification_due
from anlao.benefits.models import FINAL_STATES, Entitlement, LifeVerification, VerifyMethod
from anlao.benefits.policy.programs import LifeSchedule
from anlao.benefits.runs.services import get_program
from anlao.core.audit import audit, snapshot
from anlao.core.errors import PermissionDenied, ServiceError, ValidationFailed
from anlao.core.roles import has_perm, require
from anlao.people.models import Elder
from anlao.people.selectors import elder_get, elders_visible

MIN_FACE_SCORE = Decimal("0.80")  # below this a partner's match is not accepted as proof


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


@dataclass
class WorkItem:
    elder: Elder
    last_verified: dt.date | None
    state: str  # due or overdue


def current_due(life: LifeSchedule, today: dt.date) -> tuple[dt.date, dt.date]:
    """The due month now open or last passed, and the last day of its grace (deadline)."""
    month = today.replace(day=1)
    for back in range(12):
        due = add_months(month, -back)
        if due.month in life.months:
            return due, add_months(due, life.grace_months + 1) - dt.timedelta(days=1)
    raise ServiceError(_("The program has no verification months."))


def worklist(*, actor: Any, program: str, community_code: str,
             today: dt.date | None = None) -> dict[str, Any]:
    """Elders of one community the program pays (or stopped) who still owe a verification."""
    if not (has_perm(actor, "life.record") or has_perm(actor, "benefit.view")):
        raise PermissionDenied(_("You are not allowed to do this."))
    prog = get_program(program)
    today = today or timezone.localdate()
    version = prog.version_on(today.replace(day=1))
    if version is None or version.life is None:
        raise ServiceError(_("This program has no life verification schedule."),
                           field="program")
    due, deadline = current_due(version.life, today)
    area = Area.objects.current().filter(code=community_code).first()
    elders = elders_visible(actor).filter(status="active", residence_area=area)
    since = add_months(due, -13).strftime("%Y-%m")
    paid = Entitlement.objects.filter(run__program=program, run__state__in=FINAL_STATES,
                                      run__period__gte=since).values("elder_id")
    latest = LifeVerification.objects.filter(elder=OuterRef("pk")).values("elder").annotate(
        d=Max("verified_on")).values("d")
    rows = (elders.filter(pk__in=paid).annotate(last_verified=Subquery(latest))
            .order_by("name", "pk"))
    # Overdue: the engine already stops them this month. Due: the window is open now.
    passed = verification_due(version.life, today.replace(day=1))
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
