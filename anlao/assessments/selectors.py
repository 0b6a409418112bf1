"""Every read of assessments, scoped to the actor. Views and the API read only through here.

Scope: area staff and auditors see the assessments of elders they can see
(people.selectors.elders_visible). An agency's assessors see their own agency's assessments,
and the elders their agency was asked to assess (an AssessmentRequest) or has assessed.
Out of scope is ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.areas.selectors import area_by_code
from anlao.assessments.models import (
    Assessment,
    AssessmentRequest,
    AssessmentState,
    RequestStatus,
)
from anlao.core.errors import NotFound
from anlao.core.roles import Role, has_perm
from anlao.core.scoping import narrow_to_area, one_in_scope
from anlao.people.models import Elder
from anlao.people.selectors import elders_visible


def is_agency_staff(*, actor: Any) -> bool:
    return not actor.is_superuser and getattr(actor, "role", "") == Role.ASSESSOR


def assessments_visible(*, actor: Any) -> QuerySet[Assessment]:
    """Every assessment the actor may read."""
    if not has_perm(actor, "assessment.view"):
        return Assessment.objects.none()
    qs = Assessment.objects.all()
    if is_agency_staff(actor=actor):
        if not actor.organisation_id:
            return qs.none()
        return qs.filter(agency_id=actor.organisation_id)
    if actor.is_superuser:
        return qs
    return qs.filter(elder__in=elders_visible(actor=actor).values("pk"))


def requests_visible(*, actor: Any) -> QuerySet[AssessmentRequest]:
    if not has_perm(actor, "assessment.view"):
        return AssessmentRequest.objects.none()
    qs = AssessmentRequest.objects.all()
    if is_agency_staff(actor=actor):
        return qs.filter(agency_id=actor.organisation_id) if actor.organisation_id else qs.none()
    if actor.is_superuser:
        return qs
    return qs.filter(elder__in=elders_visible(actor=actor).values("pk"))


def request_get(*, actor: Any, request_id: Any) -> AssessmentRequest:
    """One request the actor may see; anything else (also a bad id) is not found."""
    qs = requests_visible(actor=actor).select_related("elder", "agency")
    return one_in_scope(qs, request_id, "request")


def assessable_elders(*, actor: Any) -> QuerySet[Elder]:
    """Elders the actor may see in the assessment app: for agency staff those their agency
    was asked to assess or has assessed; for everyone else the registry's scope."""
    if not has_perm(actor, "assessment.view"):
        return Elder.objects.none()
    if not is_agency_staff(actor=actor):
        return elders_visible(actor=actor)
    org = actor.organisation_id
    if not org:
        return Elder.objects.none()
    asked = AssessmentRequest.objects.filter(elder=OuterRef("pk"), agency_id=org)
    done = Assessment.objects.filter(elder=OuterRef("pk"), agency_id=org)
    return Elder.objects.filter(Exists(asked) | Exists(done))


def assessable_elder_get(*, actor: Any, elder_id: int) -> Elder:
    return one_in_scope(assessable_elders(actor=actor).select_related(
        "residence_area", "residence_area__parent"), elder_id, "elder")


def assessment_get(*, actor: Any, assessment_id: int, for_update: bool = False) -> Assessment:
    """One assessment, or ``NotFound`` — also when it exists outside the actor's scope."""
    try:
        pk = int(assessment_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("assessment not found") from exc
    qs = assessments_visible(actor=actor).select_related(
        "elder", "elder__residence_area", "agency", "assessor_1", "assessor_2")
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound("assessment not found")
    if for_update:
        return Assessment.objects.select_for_update().select_related("elder", "agency").get(
            pk=pk)
    return found


def assessments_for(*, actor: Any, elder_id: int | None = None, state: str = "",
                    agency_id: int | None = None, area_code: str = "") -> QuerySet[Assessment]:
    """The list, newest first, narrowed by elder, state, agency and the elder's street or
    community."""
    qs = assessments_visible(actor=actor)
    if area_code:
        qs = narrow_to_area(qs, actor, "elder__residence_area", area_by_code(area_code))
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    if state:
        qs = qs.filter(state=state)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.select_related("elder", "elder__residence_area", "agency")


def elder_assessment_history(*, actor: Any, elder_id: int) -> tuple[Elder, list[Assessment]]:
    """An elder (with ``ability_level``, the current level) and the assessments the actor may
    see for them, newest first, drafts and superseded ones included."""
    elder = assessable_elder_get(actor=actor, elder_id=elder_id)
    rows = list(assessments_for(actor=actor, elder_id=elder.pk).select_related(
        "assessor_1", "assessor_2", "reviewed_by", "finalised_by"))
    return elder, rows


def current_assessment(elder: Elder) -> Assessment | None:
    """The final assessment that set the elder's level (call after a scoped read of elder)."""
    return Assessment.objects.filter(elder=elder, is_current=True).first()


def open_requests_for(*, actor: Any, elder_id: int | None = None) -> QuerySet[AssessmentRequest]:
    qs = requests_visible(actor=actor).filter(status=RequestStatus.OPEN)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.select_related("elder", "agency")


def final_assessments(*, actor: Any) -> QuerySet[Assessment]:
    return assessments_visible(actor=actor).filter(state=AssessmentState.FINAL)


def latest_final_on(elder_ids: list[int]) -> dict[int, dt.date]:
    """The date of each elder's current assessment (helper for pages; unscoped: pass ids
    that came out of a scoped selector)."""
    rows = Assessment.objects.filter(elder_id__in=elder_ids, is_current=True).values_list(
        "elder_id", "assessed_on")
    return dict(rows)


__all__ = [
    "assessable_elder_get", "assessable_elders", "assessment_get", "assessments_for",
    "assessments_visible", "current_assessment", "elder_assessment_history",
    "final_assessments", "is_agency_staff", "latest_final_on", "open_requests_for",
    "requests_visible",
]


def agencies() -> QuerySet[Organisation]:
    """Assessment agencies (reference data, the same for everyone)."""
    return Organisation.objects.filter(type=OrganisationType.ASSESSMENT_AGENCY).order_by("name")


def agency_assessors(agency_id: int) -> QuerySet[User]:
    """The active assessors of one agency: the people who may sign an assessment of it."""
    return User.objects.filter(organisation_id=agency_id, role=Role.ASSESSOR,
                               is_active=True).order_by("display_name", "username")
