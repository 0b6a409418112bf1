"""Every write to assessments. Each takes ``actor``, runs atomically and writes an audit row.

State machine: draft → submitted → reviewed → final; submitted or reviewed → draft when
rejected (with a reason). Only ``assessment_finalise`` changes an elder's ability level.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation, User
from anlao.assessments import conf
from anlao.assessments import validation as v
from anlao.assessments.instrument import load
from anlao.assessments.models import (
    Assessment,
    AssessmentRequest,
    AssessmentState,
    RequestStatus,
)
from anlao.assessments.scoring import Conditions, score
from anlao.assessments.selectors import (
    assessable_elder_get,
    assessment_get,
    is_agency_staff,
    request_get,
)
from anlao.core import hooks
from anlao.core.audit import audit, changed, snapshot
from anlao.core.errors import PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.core.roles import require
from anlao.people.models import Elder, ElderStatus
from anlao.people.selectors import elder_get

EDITABLE = ("reason", "assessed_on", "assessor_1", "assessor_2", "answers", "coma", "dementia",
            "psychiatric_disorder", "diagnosis_note", "risk_events", "note")
AUDITED = ["state", "reason", "assessed_on", "assessor_1_id", "assessor_2_id", "answers", "coma",
           "dementia", "psychiatric_disorder", "diagnosis_note", "risk_events", "total",
           "initial_level", "final_level", "rejection_reason", "is_current"]
RESULT_FIELDS = ("subtotals", "total", "initial_level", "level_changes", "final_level")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _user_or_none(value: Any) -> User | bool | None:
    """A user by id; False when the id names nobody (reported as a field error)."""
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        return User.objects.filter(pk=int(value)).first() or False
    except (TypeError, ValueError):
        return False


# --- requests -------------------------------------------------------------------------------

@transaction.atomic
def assessment_request_create(*, actor: Any, elder_id: int, agency_id: int, reason: str,
                              note: str = "", today: dt.date | None = None
                              ) -> AssessmentRequest:
    """Ask an agency to assess an elder in the actor's area; the agency then sees the elder."""
    require(actor, "assessment.request")
    elder = elder_get(actor=actor, elder_id=elder_id)
    agency = Organisation.objects.filter(pk=agency_id).first()
    errors = v.merge(v.reason_errors(reason), v.agency_errors(agency))
    if elder.status != ElderStatus.ACTIVE:
        v.add(errors, "elder", _("Only active elders can be assessed."))
    if errors:
        raise ValidationFailed(errors)
    req = AssessmentRequest.objects.create(elder=elder, agency=agency, reason=reason,
                                           requested_on=_today(today), requested_by=actor,
                                           note=(note or "")[:255])
    audit(actor=actor, action="assessment_request.create", obj=req,
          after={"elder": elder.pk, "agency": agency.pk, "reason": reason})
    return req


@transaction.atomic
def assessment_request_cancel(*, actor: Any, request_id: int, note: str = "") -> AssessmentRequest:
    """Withdraw an open request; the agency no longer sees the elder through it."""
    require(actor, "assessment.request")
    req = request_get(actor=actor, request_id=request_id)
    if req.status != RequestStatus.OPEN:
        raise ServiceError(_("Only an open request can be cancelled."), field="status")
    req.status = RequestStatus.CANCELLED
    req.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action="assessment_request.cancel", obj=req, note=note)
    return req


# --- drafts ---------------------------------------------------------------------------------

def _agency_for(actor: Any, data: dict[str, Any]) -> Organisation:
    if is_agency_staff(actor=actor):
        return actor.organisation
    agency = Organisation.objects.filter(pk=data.get("agency_id") or 0).first()
    errors = v.agency_errors(agency)
    if errors:
        raise ValidationFailed(errors)
    return agency


def _clean_draft(a: Assessment, data: dict[str, Any], today: dt.date) -> dict[str, list[str]]:
    """Apply ``data`` (any subset of EDITABLE) to ``a`` in memory; return the errors."""
    unknown = sorted(set(data) - set(EDITABLE))
    errors: dict[str, list[str]] = {k: [_("Unknown field.")] for k in unknown}
    if "answers" in data:
        given = data["answers"]
        errors = v.merge(errors, v.answer_errors(given, complete=False))
        if isinstance(given, dict):
            merged = {**a.answers, **given}
            a.answers = {k: val for k, val in merged.items() if val is not None}
    if "risk_events" in data:
        errors = v.merge(errors, v.risk_event_errors(data["risk_events"]))
        if isinstance(data["risk_events"], dict):
            a.risk_events = {k: n for k, n in data["risk_events"].items() if n}
    for name in ("assessor_1", "assessor_2"):
        if name in data:
            user = _user_or_none(data[name])
            if user is False:
                v.add(errors, name, _("No such user."))
            else:
                setattr(a, name, user)
    for name in ("reason", "assessed_on", "diagnosis_note", "note"):
        if name in data:
            setattr(a, name, data[name] if data[name] is not None else "")
    for name in ("coma", "dementia", "psychiatric_disorder"):
        if name in data:
            setattr(a, name, bool(data[name]))
    a.diagnosis_note = (a.diagnosis_note or "")[:200]
    return v.merge(
        errors, v.reason_errors(a.reason),
        v.date_errors(a.assessed_on, birth_date=a.elder.birth_date, today=today),
        v.assessor_errors({"assessor_1": a.assessor_1, "assessor_2": a.assessor_2}, a.agency,
                          require_both=False),
        v.coma_errors(a.coma, a.answers),
    )


@transaction.atomic
def assessment_create(*, actor: Any, elder_id: int, data: dict[str, Any],
                      today: dt.date | None = None) -> Assessment:
    """Start a draft for an elder the agency was asked to assess. ``data``: any of EDITABLE
    (answers may be partial) plus ``agency_id`` for a superuser; links the agency's open
    request for the elder, if any, and takes its reason when none is given."""
    require(actor, "assessment.write")
    elder = assessable_elder_get(actor=actor, elder_id=elder_id)
    if elder.status != ElderStatus.ACTIVE:
        raise ServiceError(_("Only active elders can be assessed."), field="elder")
    agency = _agency_for(actor, data)
    req = AssessmentRequest.objects.filter(elder=elder, agency=agency,
                                           status=RequestStatus.OPEN).first()
    a = Assessment(elder=elder, agency=agency, request=req, created_by=actor,
                   instrument_version=load().version,
                   reason=data.get("reason") or (req.reason if req else ""),
                   assessed_on=data.get("assessed_on") or _today(today))
    fields = {k: val for k, val in data.items() if k not in ("agency_id", "reason")}
    errors = _clean_draft(a, fields, _today(today))
    if errors:
        raise ValidationFailed(errors)
    a.save()
    audit(actor=actor, action="assessment.create", obj=a, after=snapshot(a, AUDITED))
    return a


@transaction.atomic
def assessment_update(*, actor: Any, assessment_id: int, data: dict[str, Any],
                      today: dt.date | None = None) -> Assessment:
    """Change a draft. Given answers replace those items (``None`` clears one); the rest are
    kept, so a phone can save each answer as it goes. Refused unless the state is draft."""
    require(actor, "assessment.write")
    a = assessment_get(actor=actor, assessment_id=assessment_id, for_update=True)
    _require_state(a, AssessmentState.DRAFT,
                   _("Only a draft can be changed; this assessment is %(state)s."))
    before = snapshot(a, AUDITED)
    errors = _clean_draft(a, dict(data), _today(today))
    if errors:
        raise ValidationFailed(errors)
    a.save()
    old, new = changed(before, snapshot(a, AUDITED))
    audit(actor=actor, action="assessment.update", obj=a, before=old, after=new)
    return a


def assessment_save_answers(*, actor: Any, assessment_id: int, answers: dict[str, int | None],
                            today: dt.date | None = None) -> Assessment:
    """Save some answers of a draft (the phone form's autosave)."""
    return assessment_update(actor=actor, assessment_id=assessment_id,
                             data={"answers": answers}, today=today)


# --- state changes --------------------------------------------------------------------------

def _require_state(a: Assessment, state: str, message: str) -> None:
    if a.state != state:
        raise ServiceError(message % {"state": a.get_state_display()}, field="state",
                           code="wrong_state")


def _complete_errors(a: Assessment, today: dt.date) -> dict[str, list[str]]:
    return v.merge(
        v.answer_errors(a.answers, complete=True),
        v.risk_event_errors(a.risk_events), v.reason_errors(a.reason),
        v.date_errors(a.assessed_on, birth_date=a.elder.birth_date, today=today),
        v.assessor_errors({"assessor_1": a.assessor_1, "assessor_2": a.assessor_2}, a.agency,
                          require_both=True),
        v.coma_errors(a.coma, a.answers),
    )


def _store_result(a: Assessment) -> None:
    result = score(a.answers, Conditions(coma=a.coma, dementia=a.dementia,
                                         psychiatric_disorder=a.psychiatric_disorder,
                                         risk_events=a.risk_events), conf.level_rules())
    data = result.as_dict()
    for name in RESULT_FIELDS:
        setattr(a, name, data["changes"] if name == "level_changes" else data[name])


ENTRY_ACTIONS = ("assessment.create", "assessment.update", "assessment.submit")


def _not_an_assessor(actor: Any, a: Assessment, message: str) -> None:
    """Four eyes: whoever assessed, or entered, changed or submitted the record (its audit
    rows say who) does not review or finalise it."""
    entered = AuditLog.objects.filter(entity="assessments.assessment", entity_id=str(a.pk),
                                      actor=actor, action__in=ENTRY_ACTIONS).exists()
    if actor.pk in (a.assessor_1_id, a.assessor_2_id, a.created_by_id) or entered:
        raise PermissionDenied(message)


@transaction.atomic
def assessment_submit(*, actor: Any, assessment_id: int,
                      today: dt.date | None = None) -> Assessment:
    """draft → submitted. Needs every answer (the error lists each missing item), two
    assessors of the agency and a plausible date; stores the whole scored result."""
    require(actor, "assessment.write")
    a = assessment_get(actor=actor, assessment_id=assessment_id, for_update=True)
    _require_state(a, AssessmentState.DRAFT,
                   _("Only a draft can be submitted; this assessment is %(state)s."))
    errors = _complete_errors(a, _today(today))
    if errors:
        raise ValidationFailed(errors)
    _store_result(a)
    a.state, a.submitted_at, a.rejection_reason = AssessmentState.SUBMITTED, timezone.now(), ""
    a.save()
    audit(actor=actor, action="assessment.submit", obj=a, after=snapshot(a, AUDITED))
    return a


@transaction.atomic
def assessment_review(*, actor: Any, assessment_id: int) -> Assessment:
    """submitted → reviewed, by someone who was not one of the two assessors."""
    require(actor, "assessment.review")
    a = assessment_get(actor=actor, assessment_id=assessment_id, for_update=True)
    _require_state(a, AssessmentState.SUBMITTED,
                   _("Only a submitted assessment can be reviewed; this one is %(state)s."))
    _not_an_assessor(actor, a, _("An assessor cannot review their own assessment."))
    a.state, a.reviewed_at, a.reviewed_by = AssessmentState.REVIEWED, timezone.now(), actor
    a.save(update_fields=["state", "reviewed_at", "reviewed_by", "updated_at"])
    audit(actor=actor, action="assessment.review", obj=a, after={"state": a.state})
    return a


@transaction.atomic
def assessment_reject(*, actor: Any, assessment_id: int, reason: str) -> Assessment:
    """submitted or reviewed → draft, with the reason shown to the assessors."""
    a = assessment_get(actor=actor, assessment_id=assessment_id, for_update=True)
    perm = "assessment.review" if a.state == AssessmentState.SUBMITTED else "assessment.finalise"
    require(actor, perm)
    if a.state not in (AssessmentState.SUBMITTED, AssessmentState.REVIEWED):
        raise ServiceError(_("Only a submitted or reviewed assessment can be rejected; this "
                             "one is %(state)s.") % {"state": a.get_state_display()},
                           field="state", code="wrong_state")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ServiceError(_("Give the reason for sending it back."), field="reason")
    before = snapshot(a, AUDITED)
    a.state, a.rejection_reason = AssessmentState.DRAFT, reason[:255]
    a.reviewed_at = a.reviewed_by = a.submitted_at = None
    a.subtotals, a.total, a.initial_level, a.level_changes, a.final_level = {}, None, None, [], None
    a.save()
    old, new = changed(before, snapshot(a, AUDITED))
    audit(actor=actor, action="assessment.reject", obj=a, before=old, after=new, note=reason)
    return a


@transaction.atomic
def assessment_finalise(*, actor: Any, assessment_id: int,
                        today: dt.date | None = None) -> Assessment:
    """reviewed → final. Re-checks everything (two assessors, complete answers, date),
    re-scores, and — if it is the elder's latest final assessment — makes it current and sets
    ``Elder.ability_level`` (audited; the elder's history records the change)."""
    require(actor, "assessment.finalise")
    a = assessment_get(actor=actor, assessment_id=assessment_id, for_update=True)
    _require_state(a, AssessmentState.REVIEWED,
                   _("Only a reviewed assessment can be finalised; this one is %(state)s."))
    _not_an_assessor(actor, a, _("An assessor cannot finalise their own assessment."))
    if actor.pk == a.reviewed_by_id:
        raise PermissionDenied(_("The reviewer cannot also finalise the assessment."))
    errors = _complete_errors(a, _today(today))
    if errors:
        raise ValidationFailed(errors)
    _store_result(a)
    a.state, a.finalised_at, a.finalised_by = AssessmentState.FINAL, timezone.now(), actor
    a.save()
    audit(actor=actor, action="assessment.finalise", obj=a, after=snapshot(a, AUDITED))
    make_current_if_latest(actor=actor, assessment=a)
    if a.request_id:
        AssessmentRequest.objects.filter(pk=a.request_id, status=RequestStatus.OPEN).update(
            status=RequestStatus.DONE, updated_at=timezone.now())
    return a


def make_current_if_latest(*, actor: Any, assessment: Assessment) -> bool:
    """Make a final assessment the elder's current one unless a later-dated one is current
    (an imported old result goes into the history only). Call inside a transaction."""
    elder = Elder.objects.select_for_update().get(pk=assessment.elder_id)
    current = Assessment.objects.filter(elder=elder, is_current=True).first()
    if current is not None and current.assessed_on > assessment.assessed_on:
        return False
    if current is not None:
        Assessment.objects.filter(pk=current.pk).update(is_current=False)
    Assessment.objects.filter(pk=assessment.pk).update(is_current=True)
    assessment.is_current = True
    if elder.ability_level != assessment.final_level:
        before = {"ability_level": elder.ability_level}
        elder.ability_level = assessment.final_level
        elder.save(update_fields=["ability_level", "updated_at"])
        audit(actor=actor, action="elder.ability_level", obj=elder, before=before,
              after={"ability_level": elder.ability_level},
              note=f"assessment {assessment.pk}")
        # a new level can change a waiting applicant's admission class (DOMAIN §7)
        hooks.emit("elder.level_changed", actor=actor, elder_id=elder.pk)
    return True
