"""Writes to caregiver records and subsidy claims: permission-checked, validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.areas.models import Area
from anlao.core.audit import audit, changed, log_access, snapshot
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.masking import mask_phone
from anlao.core.periods import quarter_bounds
from anlao.core.reveal import reveal_reason
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope, sees_by_organisation, within_area
from anlao.people.idnumbers import InvalidIdNumber, age_on, parse_resident_id
from anlao.workforce import selectors
from anlao.workforce.models import (
    BatchState,
    Caregiver,
    Certificate,
    CertificateKind,
    ClaimBatch,
    ClaimLine,
    ContestResult,
    Employment,
    SkillLevel,
    TrainingRecord,
    WorkRole,
)
from anlao.workforce.subsidy import Cert, Job, compute_line, load_policy

MIN_AGE = 16


def _today() -> dt.date:
    return timezone.localdate()


def _caregiver_area(actor: Any, area_id: Any) -> Area:
    if sees_by_organisation(actor):
        if not actor.organisation_id:
            raise PermissionDenied(_("You are not allowed to do this."))
        return actor.organisation.area
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    if area is None or not area_in_scope(actor, area):
        raise ValidationFailed({"area": [_("Choose an area in your jurisdiction.")]})
    return area


@transaction.atomic
def caregiver_create(*, actor: Any, name: str, id_number: str, phone: str = "",
                     area_id: Any = None) -> Caregiver:
    require(actor, "workforce.write")
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name is required.")]
    rid = None
    try:
        rid = parse_resident_id(id_number, today=_today())
        if age_on(rid.birth_date, _today()) < MIN_AGE:
            errors["id_number"] = [_("A caregiver must be at least 16 years old.")]
        elif Caregiver.objects.filter(id_number=rid.number).exists():
            errors["id_number"] = [_("A caregiver with this ID number is already recorded.")]
    except InvalidIdNumber as exc:
        errors["id_number"] = [str(exc)]
    phone = (phone or "").strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 20):
        errors["phone"] = [_("Phone must be digits only.")]
    if errors:
        raise ValidationFailed(errors)
    area = _caregiver_area(actor, area_id)
    c = Caregiver.objects.create(name=name, id_number=rid.number, birth_date=rid.birth_date,
                                 sex=rid.sex, phone=phone, area=area)
    audit(actor=actor, action="caregiver.create", obj=c,
          after=snapshot(c, ["name", "area_id"]))
    return c


def _writable(actor: Any, caregiver_id: Any) -> Caregiver:
    require(actor, "workforce.write")
    try:
        return selectors.caregivers_visible(actor=actor).select_for_update().get(pk=caregiver_id)
    except (Caregiver.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such caregiver.")) from exc


# Only these change after recording. The ID number, and the birth date and sex read from it,
# identify the person: the duplicate check, claim lines and the audit trail all hang on them,
# so a wrong one is corrected by recording the person again, not by an edit.
CAREGIVER_EDITABLE = ("name", "phone", "area_id", "is_active")
NAME_MAX = Caregiver._meta.get_field("name").max_length


def _phone_errors(phone: str) -> list[str]:
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 20):
        return [_("Phone must be digits only.")]
    return []


def _new_area(actor: Any, c: Caregiver, area_id: Any) -> Area:
    if str(area_id) == str(c.area_id):
        return c.area
    # A record is moved only between areas the actor answers for: provider staff have no
    # jurisdiction, and a caregiver seen through a job here stays where the record is kept.
    area = Area.objects.filter(pk=area_id).first() if str(area_id).isdigit() else None
    if not area_in_scope(actor, c.area):
        raise ValidationFailed({"area": [_("Only staff of the area where the record is kept "
                                           "can move it to another area.")]})
    if area is None or not area_in_scope(actor, area):
        raise ValidationFailed({"area": [_("Choose an area in your jurisdiction.")]})
    return area


@transaction.atomic
def caregiver_update(*, actor: Any, caregiver_id: Any, name: str | None = None,
                     phone: str | None = None, area_id: Any = None,
                     is_active: bool | None = None) -> Caregiver:
    """Change a caregiver's name, phone, area or active flag; ``None`` keeps the value
    (``phone=""`` removes the phone). Audited with the changed fields only."""
    c = _writable(actor, caregiver_id)
    errors: dict[str, list[str]] = {}
    if name is not None and not name.strip():
        errors["name"] = [_("Name is required.")]
    elif name is not None and len(name.strip()) > NAME_MAX:
        errors["name"] = [_("A name has at most %(n)d characters.") % {"n": NAME_MAX}]
    if phone is not None and _phone_errors(phone.strip()):
        errors["phone"] = _phone_errors(phone.strip())
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(c, CAREGIVER_EDITABLE)
    if area_id is not None:
        c.area = _new_area(actor, c, area_id)
    c.name = c.name if name is None else name.strip()
    c.phone = c.phone if phone is None else phone.strip()
    c.is_active = c.is_active if is_active is None else bool(is_active)
    old, new = changed(before, snapshot(c, CAREGIVER_EDITABLE))
    if new:
        c.save(update_fields=[*new, "updated_at"])
        # Phones are masked in the trail as on every page; that it changed is what matters.
        for values in (old, new):
            if "phone" in values:
                values["phone"] = mask_phone(values["phone"])
        audit(actor=actor, action="caregiver.update", obj=c, before=old, after=new)
    return c


def _employment_errors(start: dt.date | None, end: dt.date | None, role: str) -> dict:
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start"] = [_("Start date is required.")]
    elif start > _today():
        errors["start"] = [_("The start date is in the future.")]
    if start and end and end < start:
        errors["end"] = [_("The end date is before the start date.")]
    if role not in WorkRole.values:
        errors["role"] = [_("Choose a role.")]
    return errors


def _overlapping(c: Caregiver, start: dt.date, end: dt.date | None) -> Employment | None:
    """An existing period sharing a day with [start, end] (open ends run forever)."""
    qs = c.employments.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        qs = qs.filter(start__lte=end)
    return qs.select_related("employer").first()


@transaction.atomic
def employment_add(*, actor: Any, caregiver_id: Any, employer_id: Any = None,
                   facility_id: Any = None, role: str = WorkRole.FRONTLINE,
                   start: dt.date | None = None, end: dt.date | None = None) -> Employment:
    """Record a job. Periods may not overlap; a facility job's employer is its operator."""
    from anlao.facilities.selectors import facilities_visible

    c = _writable(actor, caregiver_id)
    errors = _employment_errors(start, end, role)
    facility = None
    if facility_id:
        facility = facilities_visible(actor=actor).filter(pk=facility_id).first()
        if facility is None:
            errors["facility"] = [_("Choose a facility you can see.")]
    employer = facility.operator if facility else Organisation.objects.filter(
        pk=employer_id or 0).first()
    if employer is None and "facility" not in errors:
        errors["employer"] = [_("Choose an employer.")]
    elif sees_by_organisation(actor) and employer and employer.pk != actor.organisation_id:
        errors["employer"] = [_("You can only record jobs with your own organisation.")]
    elif employer and not facility and not sees_by_organisation(actor) \
            and not area_in_scope(actor, employer.area):
        errors["employer"] = [_("Choose an employer in your jurisdiction.")]
    if errors:
        raise ValidationFailed(errors)
    clash = _overlapping(c, start, end)
    if clash:
        raise ValidationFailed({"start": [_(
            "This period overlaps the job at %(employer)s from %(start)s to %(end)s."
        ) % {"employer": clash.employer, "start": clash.start, "end": clash.end or _("now")}]})
    e = Employment.objects.create(caregiver=c, employer=employer, facility=facility, role=role,
                                  start=start, end=end)
    audit(actor=actor, action="caregiver.employment_add", obj=c,
          after=snapshot(e, ["employer_id", "facility_id", "role", "start", "end"]))
    return e


@transaction.atomic
def employment_end(*, actor: Any, employment_id: Any, end: dt.date | None,
                   caregiver_id: Any = None) -> Employment:
    """Record the last day of a job (the caregiver left). ``caregiver_id``, when given, must
    be the job's caregiver (a page names both)."""
    try:
        e = Employment.objects.filter(pk=int(employment_id)).first()
    except (TypeError, ValueError):
        e = None
    if e is None or (caregiver_id is not None and str(e.caregiver_id) != str(caregiver_id)):
        raise NotFound(_("No such job."))
    _writable(actor, e.caregiver_id)
    if not isinstance(end, dt.date):
        raise ValidationFailed({"end": [_("Enter the last day of the job.")]})
    if end < e.start:
        raise ValidationFailed({"end": [_("The end date is before the start date.")]})
    if e.end is not None:
        raise ServiceError(_("This job has already ended."), code="state")
    e.end = end
    e.save(update_fields=["end", "updated_at"])
    audit(actor=actor, action="caregiver.employment_end", obj=e.caregiver,
          after={"employment": e.pk, "end": end.isoformat()})
    return e


@transaction.atomic
def certificate_add(*, actor: Any, caregiver_id: Any, kind: str, number: str, issuer: str,
                    issued_on: dt.date | None, level: str = "") -> Certificate:
    c = _writable(actor, caregiver_id)
    errors: dict[str, list[str]] = {}
    if kind not in CertificateKind.values:
        errors["kind"] = [_("Choose a kind of certificate.")]
    if kind == CertificateKind.SKILL and level not in SkillLevel.values:
        errors["level"] = [_("A skill certificate needs its level.")]
    if not (number or "").strip():
        errors["number"] = [_("Certificate number is required.")]
    if not (issuer or "").strip():
        errors["issuer"] = [_("Issuer is required.")]
    if issued_on is None:
        errors["issued_on"] = [_("Issue date is required.")]
    elif issued_on > _today():
        errors["issued_on"] = [_("The certificate is dated in the future.")]
    if errors:
        raise ValidationFailed(errors)
    cert = Certificate.objects.create(
        caregiver=c, kind=kind, level=level if kind == CertificateKind.SKILL else "",
        number=number.strip(), issuer=issuer.strip(), issued_on=issued_on)
    audit(actor=actor, action="caregiver.certificate_add", obj=c,
          after=snapshot(cert, ["kind", "level", "number", "issued_on"]))
    return cert


@transaction.atomic
def training_add(*, actor: Any, caregiver_id: Any, title: str, start: dt.date | None,
                 hours: int = 0, provider: str = "", passed: bool = True) -> TrainingRecord:
    c = _writable(actor, caregiver_id)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Course is required.")]
    if start is None:
        errors["start"] = [_("Start date is required.")]
    elif start > _today():
        errors["start"] = [_("The start date is in the future.")]
    if not 0 <= hours <= 2000:
        errors["hours"] = [_("Hours must be between 0 and 2000.")]
    if errors:
        raise ValidationFailed(errors)
    t = TrainingRecord.objects.create(caregiver=c, title=title.strip(), start=start, hours=hours,
                                      provider=(provider or "").strip(), passed=passed)
    audit(actor=actor, action="caregiver.training_add", obj=c,
          after=snapshot(t, ["title", "start", "hours", "passed"]))
    return t


@transaction.atomic
def contest_add(*, actor: Any, caregiver_id: Any, contest: str, held_on: dt.date | None,
                result: str) -> ContestResult:
    c = _writable(actor, caregiver_id)
    errors: dict[str, list[str]] = {}
    if not (contest or "").strip():
        errors["contest"] = [_("Contest is required.")]
    if not (result or "").strip():
        errors["result"] = [_("Result is required.")]
    if held_on is None:
        errors["held_on"] = [_("Date is required.")]
    elif held_on > _today():
        errors["held_on"] = [_("The contest date is in the future.")]
    if errors:
        raise ValidationFailed(errors)
    r = ContestResult.objects.create(caregiver=c, contest=contest.strip(), held_on=held_on,
                                     result=result.strip())
    audit(actor=actor, action="caregiver.contest_add", obj=c,
          after=snapshot(r, ["contest", "held_on", "result"]))
    return r


@transaction.atomic
def caregiver_reveal(*, actor: Any, caregiver_id: Any, field: str, reason: str,
                     note: str = "", ip: str | None = None) -> str:
    """The full ID number or phone, for someone who may see the caregiver; logged."""
    if field not in ("id_number", "phone"):
        raise ValidationFailed({"field": [_("Only the ID number or phone can be revealed.")]})
    try:
        c = selectors.caregiver_get(actor=actor, caregiver_id=caregiver_id)
    except NotFound as exc:
        raise NotFound(_("No such caregiver.")) from exc
    try:
        reason = reveal_reason(reason, note)
    except ServiceError as exc:
        raise ValidationFailed({"reason": [exc.message]}) from exc
    log_access(actor=actor, obj=c, field=field, reason=reason, ip=ip)
    return getattr(c, field)


# --- quarterly claims ---------------------------------------------------------------------

def _quarter_errors(year: int, quarter: int) -> dict[str, list[str]]:
    policy = load_policy()
    if quarter not in (1, 2, 3, 4):
        return {"quarter": [_("Choose a quarter from 1 to 4.")]}
    last = quarter_bounds(year, quarter)[1]
    if last < policy.starts_on:
        return {"year": [_("The subsidy is paid from %(date)s.") % {"date": policy.starts_on}]}
    if last >= _today():
        return {"quarter": [_("A quarter can be claimed only after it has ended.")]}
    return {}


@transaction.atomic
def batch_create(*, actor: Any, year: int, quarter: int, area_id: Any) -> ClaimBatch:
    require(actor, "subsidy.claim")
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    if area is None or not area_in_scope(actor, area):
        raise ValidationFailed({"area": [_("Choose an area in your jurisdiction.")]})
    errors = _quarter_errors(year, quarter)
    if errors:
        raise ValidationFailed(errors)
    # A claim for an area overlapping an existing one (same, above or below) would pay twice.
    for other in ClaimBatch.objects.filter(year=year, quarter=quarter).select_related("area"):
        if area.path.startswith(other.area.path) or other.area.path.startswith(area.path):
            if other.state in (BatchState.APPROVED, BatchState.EXPORTED):
                msg = _("The claim for %(q)s in %(area)s is already approved; it cannot be "
                        "claimed again.")
            else:
                msg = _("A claim for %(q)s in %(area)s already exists: open it instead.")
            raise ServiceError(msg % {"q": other.label, "area": other.area}, code="duplicate")
    b = ClaimBatch.objects.create(year=year, quarter=quarter, area=area, created_by=actor)
    audit(actor=actor, action="subsidy_batch.create", obj=b,
          after={"year": year, "quarter": quarter, "area": area.code})
    return b


def _batch_for_update(actor: Any, batch_id: Any) -> ClaimBatch:
    b = selectors.batch_get(actor=actor, batch_id=batch_id)
    return ClaimBatch.objects.select_for_update().select_related("area").get(pk=b.pk)


def _inputs(area: Area, first: dt.date, last: dt.date) -> dict[int, tuple[list, list]]:
    """Per caregiver with a job overlapping the quarter in a facility under ``area``: their
    jobs in facilities of that area (the whole history, for continuity) and skill certificates.
    """
    in_area = within_area(Employment.objects.all(), "facility__area", area)
    ids = in_area.filter(start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first)) \
        .values_list("caregiver_id", flat=True).distinct()
    out: dict[int, tuple[list, list]] = {i: ([], []) for i in ids}
    for e in in_area.filter(caregiver_id__in=out.keys()).select_related("facility"):
        out[e.caregiver_id][0].append(Job(e.facility_id, e.facility.name,
                                          e.facility.is_registered, e.role, e.start, e.end))
    for cid, level, issued in Certificate.objects.filter(
            caregiver_id__in=out.keys(), kind=CertificateKind.SKILL).values_list(
            "caregiver_id", "level", "issued_on"):
        out[cid][1].append(Cert(level, issued))
    return out


@transaction.atomic
def batch_compute(*, actor: Any, batch_id: Any) -> ClaimBatch:
    """(Re)compute a draft or computed batch's lines from the records as they are now."""
    require(actor, "subsidy.claim")
    b = _batch_for_update(actor, batch_id)
    if b.state not in (BatchState.DRAFT, BatchState.COMPUTED):
        raise ServiceError(_("An approved claim cannot be computed again."), code="state")
    policy = load_policy()
    first, last = quarter_bounds(b.year, b.quarter)
    lines = []
    for cid, (jobs, certs) in _inputs(b.area, first, last).items():
        ln = compute_line(certs, jobs, b.year, b.quarter, policy)
        if not any(m["employed"] for m in ln.months) and not ln.bonuses:
            continue
        lines.append(ClaimLine(batch=b, caregiver_id=cid, facility_id=ln.facility_id,
                               months_paid=ln.months_paid, post_fen=ln.post_fen,
                               bonus_fen=ln.bonus_fen, total_fen=ln.total_fen,
                               explanation=ln.explanation()))
    b.lines.all().delete()
    ClaimLine.objects.bulk_create(lines)
    b.total_fen = sum(ln.total_fen for ln in lines)
    b.state, b.computed_by, b.computed_at = BatchState.COMPUTED, actor, timezone.now()
    b.policy_digest = policy.digest
    b.save()
    audit(actor=actor, action="subsidy_batch.compute", obj=b,
          after={"lines": len(lines), "total_fen": b.total_fen})
    return b


@transaction.atomic
def batch_approve(*, actor: Any, batch_id: Any) -> ClaimBatch:
    """Four-eyes: the approver is not who computed it."""
    require(actor, "subsidy.approve")
    b = _batch_for_update(actor, batch_id)
    if b.state == BatchState.APPROVED or b.state == BatchState.EXPORTED:
        raise ServiceError(_("This quarter's claim is already approved."), code="state")
    if b.state != BatchState.COMPUTED:
        raise ServiceError(_("Only a computed claim can be approved."), code="state")
    if b.computed_by_id == actor.pk:
        raise ServiceError(_("A claim must be approved by someone other than who computed it."),
                           code="four_eyes")
    if b.policy_digest != load_policy().digest:
        raise ServiceError(_("The policy changed after this claim was computed: compute it "
                             "again."), code="stale_policy")
    b.state, b.approved_by, b.approved_at = BatchState.APPROVED, actor, timezone.now()
    b.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    audit(actor=actor, action="subsidy_batch.approve", obj=b, after={"state": b.state})
    return b


@transaction.atomic
def batch_export(*, actor: Any, batch_id: Any) -> ClaimBatch:
    """Mark an approved claim exported (the list went to finance). Re-downloads are allowed."""
    require(actor, "subsidy.approve")
    b = _batch_for_update(actor, batch_id)
    if b.state not in (BatchState.APPROVED, BatchState.EXPORTED):
        raise ServiceError(_("Only an approved claim can be exported."), code="state")
    if b.state == BatchState.APPROVED:
        b.state, b.exported_at = BatchState.EXPORTED, timezone.now()
        b.save(update_fields=["state", "exported_at", "updated_at"])
    audit(actor=actor, action="subsidy_batch.export", obj=b, after={"state": b.state})
    return b
