"""Follow-up (回访): a deterministic sample of a month's verified visits gets a satisfaction call;
the ratings roll up per provider and per caregiver.

The sample is the ``share`` of visits with the smallest keyed hash of (seed, visit id): the same
seed gives the same visits whatever order they are read in, and re-drawing adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.roles import has_perm, require
from anlao.homecare.anomalies import visits_scope
from anlao.homecare.models import FollowUp, FollowUpMethod, Review, Visit

OUTCOMES = ("done", "no_answer")


def month_bounds(period: dt.date) -> tuple[dt.date, dt.date]:
    start = period.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def _rank(seed: int, visit_id: int) -> str:
    return hashlib.sha256(f"{seed}:{visit_id}".encode()).hexdigest()


@transaction.atomic
def followups_sample(*, period: dt.date, share: float | None = None, seed: int = 0,
                     actor: Any = None) -> int:
    """Mark ceil(share × n) of the month's verified visits for a call; returns rows added.

    With an actor, only the visits in the actor's scope are sampled (and the actor needs
    followup.record); without one (a command, the demo) the whole city.
    """
    share = settings.HOMECARE["FOLLOW_UP_SHARE"] if share is None else share
    if not 0 <= share <= 1:
        raise ServiceError(_("The share must be between 0 and 1."), field="share")
    start, end = month_bounds(period)
    qs = Visit.objects.filter(date__gte=start, date__lt=end, review=Review.VERIFIED)
    if actor is not None:
        require(actor, "followup.record")
        qs = visits_scope(qs, actor)
    ids = sorted(qs.values_list("pk", flat=True), key=lambda pk: _rank(seed, pk))
    chosen = ids[:math.ceil(share * len(ids))]
    existing = set(FollowUp.objects.filter(visit_id__in=chosen).values_list("visit_id",
                                                                             flat=True))
    rows = [FollowUp(visit_id=pk) for pk in chosen if pk not in existing]
    FollowUp.objects.bulk_create(rows, batch_size=1000)
    audit(actor=actor, action="followup.sample", entity="homecare.followup", entity_id="",
          after={"period": start.isoformat(), "share": share, "seed": seed,
                 "visits": len(ids), "added": len(rows)})
    return len(rows)


def may_see_ratings(actor: Any) -> bool:
    """Callers, officers, auditors and a provider's manager (not its caregivers)."""
    return has_perm(actor, "followup.record") or has_perm(actor, "settlement.view")


def followups_for(actor: Any, *, open_only: bool = True) -> QuerySet[FollowUp]:
    if not may_see_ratings(actor):
        return FollowUp.objects.none()
    qs = visits_scope(FollowUp.objects.all(), actor, "visit__")
    if open_only:
        qs = qs.filter(recorded_at__isnull=True)
    return qs.select_related("visit__order__elder__residence_area", "visit__order__item",
                             "visit__provider", "visit__caregiver__caregiver") \
        .order_by("visit__date", "id")


@transaction.atomic
def followup_record(*, actor: Any, followup_id: int, outcome: str, method: str = "call",
                    rating: Any = None, comment: str = "",
                    now: dt.datetime | None = None) -> FollowUp:
    """Record the call: a rating 1–5 and a comment; "no answer" keeps it on the worklist."""
    require(actor, "followup.record")
    now = now or timezone.now()
    fu = followups_for(actor, open_only=False).filter(pk=followup_id).first()
    if fu is None:
        raise NotFound(_("No such follow-up."))
    if fu.recorded_at is not None:
        raise ServiceError(_("This follow-up is already recorded."), code="conflict")
    comment = (comment or "").strip()
    errors = _check(outcome, method, rating, comment)
    if errors:
        raise ValidationFailed(errors)
    if outcome == "no_answer":
        audit(actor=actor, action="followup.no_answer", obj=fu, after={"at": now.isoformat()})
        return fu
    if not FollowUp.objects.filter(pk=fu.pk, recorded_at__isnull=True).update(
            method=method, rating=int(rating), comment=comment, recorded_by=actor,
            recorded_at=now, updated_at=now):
        raise ServiceError(_("This follow-up is already recorded."), code="conflict")
    audit(actor=actor, action="followup.record", obj=fu,
          after={"method": method, "rating": int(rating), "comment": comment})
    fu.refresh_from_db()
    return fu


def _check(outcome: str, method: str, rating: Any, comment: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose the result of the call.")]
    if method not in FollowUpMethod.values:
        errors["method"] = [_("Choose how the elder was asked.")]
    if outcome == "done":
        try:
            ok = 1 <= int(rating) <= 5
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors["rating"] = [_("Give a rating from 1 to 5.")]
    if len(comment) > 200:
        errors["comment"] = [_("The comment is too long (at most 200 characters).")]
    return errors


def ratings_rollup(actor: Any, *, period: dt.date | None = None, by: str = "provider"
                   ) -> list[dict[str, Any]]:
    """Average rating and count per provider (``by="provider"``) or per caregiver."""
    qs = followups_for(actor, open_only=False).filter(recorded_at__isnull=False,
                                                      rating__isnull=False)
    if period is not None:
        start, end = month_bounds(period)
        qs = qs.filter(visit__date__gte=start, visit__date__lt=end)
    if by == "caregiver":
        keys = ["visit__caregiver_id", "visit__caregiver__caregiver__name",
                "visit__provider__name"]
    else:
        keys = ["visit__provider_id", "visit__provider__name"]
    rows = qs.order_by().values(*keys).annotate(avg=Avg("rating"), n=Count("id"))
    out = [{"id": r[keys[0]], "name": r[keys[1]] or "—",
            "provider": r.get("visit__provider__name", r[keys[1]]),
            "avg": round(float(r["avg"]), 2), "n": r["n"]} for r in rows]
    return sorted(out, key=lambda r: (-r["avg"], -r["n"], r["name"]))
