"""Reads of visits and follow-ups: the caregiver's own visits and route, revealed addresses,
what an unplanned visit may be for, open follow-ups and the ratings roll-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from anlao.core.errors import NotFound
from anlao.core.periods import month_bounds
from anlao.core.reveal import RevealReason
from anlao.core.reveal import reveal_reason as core_reason
from anlao.core.roles import has_perm
from anlao.homecare.models import (
    CaregiverProfile,
    FollowUp,
    Visit,
    VisitState,
)
from anlao.homecare.visits.anomalies import visits_scope


def caregiver_profile(*, actor: Any) -> CaregiverProfile | None:
    if not has_perm(actor, "visit.record"):
        return None
    return CaregiverProfile.objects.filter(user_id=actor.pk, is_active=True).first()


def visits_for_caregiver(*, actor: Any) -> QuerySet[Visit]:
    """The visits assigned to the acting caregiver; nothing for anyone else."""
    profile = caregiver_profile(actor=actor)
    if profile is None:
        return Visit.objects.none()
    return Visit.objects.filter(caregiver=profile).select_related(
        "order__elder", "order__item", "caregiver__caregiver")


def route_for(*, actor: Any, day: dt.date) -> QuerySet[Visit]:
    """My route: the day's visits in the dispatcher's order (cancelled ones left out)."""
    return visits_for_caregiver(actor=actor).filter(date=day).exclude(
        state=VisitState.CANCELLED).order_by("sequence", "planned_start", "id")


def visit_for_caregiver(*, actor: Any, visit_id: int | Visit) -> Visit:
    pk = visit_id.pk if isinstance(visit_id, Visit) else visit_id
    visit = visits_for_caregiver(actor=actor).filter(pk=pk).first()
    if visit is None:
        raise NotFound(_("No such visit on your route."))
    return visit


def address_revealed(*, actor: Any, visits: list[Visit]) -> set[int]:
    """Visits whose elder's address the actor revealed for that visit (access log)."""
    from anlao.core.models import AccessLog

    reasons = {reveal_reason(v): v.pk for v in visits}
    found = AccessLog.objects.filter(actor=actor, entity="people.elder", field="address",
                                     reason__in=list(reasons)).values_list("reason", flat=True)
    return {reasons[r] for r in found}


def unplanned_choices(*, actor: Any, q: str = "", on: dt.date) -> dict[str, Any]:
    """Elders the caregiver's provider serves (matching ``q``) and the items it may deliver."""
    from anlao.homecare.models import ContractItem
    from anlao.people.selectors import elders_visible

    profile = caregiver_profile(actor=actor)
    if profile is None:
        return {"elders": [], "items": []}
    elders = elders_visible(actor=actor).filter(status="active").select_related("residence_area")
    q = (q or "").strip()
    elders = elders.filter(name__contains=q)[:20] if q else []
    items = ContractItem.objects.filter(
        contract__provider=profile.provider, contract__state="active",
        contract__start__lte=on, contract__end__gte=on, item__is_active=True,
    ).select_related("item").order_by("item__category", "item__code")
    seen, unique = set(), []
    for ci in items:
        if ci.item_id not in seen:
            seen.add(ci.item_id)
            unique.append(ci.item)
    return {"elders": list(elders), "items": unique}


def may_see_ratings(*, actor: Any) -> bool:
    """Callers, officers, auditors and a provider's manager (not its caregivers)."""
    return has_perm(actor, "followup.record") or has_perm(actor, "settlement.view")


def followups_for(*, actor: Any, open_only: bool = True) -> QuerySet[FollowUp]:
    if not may_see_ratings(actor=actor):
        return FollowUp.objects.none()
    qs = visits_scope(FollowUp.objects.all(), actor, "visit__")
    if open_only:
        qs = qs.filter(recorded_at__isnull=True)
    return qs.select_related("visit__order__elder__residence_area", "visit__order__item",
                             "visit__provider", "visit__caregiver__caregiver") \
        .order_by("visit__date", "id")


def ratings_rollup(*, actor: Any, period: dt.date | None = None, by: str = "provider"
                   ) -> list[dict[str, Any]]:
    """Average rating and count per provider (``by="provider"``) or per caregiver."""
    qs = followups_for(actor=actor, open_only=False).filter(recorded_at__isnull=False,
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


def reveal_reason(visit: Visit) -> str:
    """The access-log reason of a caregiver's address reveal: service delivery, this visit."""
    return core_reason(RevealReason.SERVICE,
                       f"home-care visit #{visit.pk} on {visit.date:%Y-%m-%d}")
