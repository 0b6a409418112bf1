"""Writes to facilities: audited, permission-checked, atomic. Compliance is re-checked on change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.core.audit import audit, changed, snapshot
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.roles import require
from anlao.core.rules import DECISIONS, RuleSet, Status, finding_decide, findings_replace
from anlao.core.scoping import area_in_scope
from anlao.facilities.compliance import RULES, STORE, Facts, check_facility
from anlao.facilities.models import (
    BedCategory,
    ComplianceFinding,
    Facility,
    OccupancyRecord,
    Room,
    Stay,
    bed_counts,
)
from anlao.facilities.policy import policy
from anlao.facilities.selectors import facilities_visible, findings_for
from anlao.facilities.validation import FIELDS, clean_facility


def _check_area(actor: Any, data: dict[str, Any]) -> None:
    area = data.get("area")
    if area is not None and not area_in_scope(actor, area):
        raise ValidationFailed({"area": [_("This area is outside your jurisdiction.")]})


@transaction.atomic
def facility_create(*, actor: Any, data: dict[str, Any],
                    rooms: list[dict[str, Any]] | None = None) -> Facility:
    """A new facility from typed ``data`` (validation.FIELDS); ``rooms`` as room_save args."""
    require(actor, "facility.write")
    today = timezone.localdate()
    errors = clean_facility(data, today=today)
    if errors:
        raise ValidationFailed(errors)
    _check_area(actor, data)
    facility = Facility.objects.create(**{k: v for k, v in data.items() if k in FIELDS})
    for room in rooms or []:
        _room_put(facility, **room)
    audit(actor=actor, action="facility.create", obj=facility, after=snapshot(facility))
    facility_check(facility, today=today)
    record_occupancy(facility, today)
    return facility


def _get_for_write(actor: Any, facility_id: int) -> Facility:
    try:
        return facilities_visible(actor=actor).select_for_update().get(pk=facility_id)
    except (Facility.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Facility not found.")) from None


@transaction.atomic
def facility_update(*, actor: Any, facility_id: int, data: dict[str, Any]) -> Facility:
    require(actor, "facility.write")
    facility = _get_for_write(actor, facility_id)
    today = timezone.localdate()
    errors = clean_facility(data, today=today, partial=True)
    if errors:
        raise ValidationFailed(errors)
    _check_area(actor, data)
    before = snapshot(facility)
    for k, v in data.items():
        if k in FIELDS:
            setattr(facility, k, v)
    facility.save()
    old, new = changed(before, snapshot(facility))
    if new:
        audit(actor=actor, action="facility.update", obj=facility, before=old, after=new)
    facility_check(facility, today=today)
    return facility


def _room_put(facility: Facility, *, label: str, bed_category: str, beds: int,
              occupied: int | None = None) -> Room:
    label = str(label).strip()
    if not label:
        raise ValidationFailed({"label": [_("Enter a room name.")]})
    if bed_category not in BedCategory.values:
        raise ValidationFailed({"bed_category": [_("Choose one of the listed values.")]})
    if not isinstance(beds, int) or beds < 0:
        raise ValidationFailed({"beds": [_("Enter a whole number, 0 or more.")]})
    room = Room.objects.filter(facility=facility, label=label).first() or Room(
        facility=facility, label=label)
    occ = room.occupied if occupied is None else occupied
    if occ < 0 or occ > beds:
        raise ValidationFailed({"beds": [
            _("Occupied beds (%(occ)d) cannot be more than beds (%(beds)d).")
            % {"occ": occ, "beds": beds}]})
    room.bed_category, room.beds, room.occupied = bed_category, beds, occ
    room.save()
    return room


@transaction.atomic
def room_save(*, actor: Any, facility_id: int, label: str, bed_category: str, beds: int,
              occupied: int | None = None) -> Room:
    """Create or change a room's beds; beds below the occupied count are refused."""
    require(actor, "facility.write")
    facility = _get_for_write(actor, facility_id)
    before = bed_counts(facility.rooms.all())
    room = _room_put(facility, label=label, bed_category=bed_category, beds=beds,
                     occupied=occupied)
    audit(actor=actor, action="facility.room_save", obj=facility, before=before,
          after=bed_counts(facility.rooms.all()), note=room.label)
    today = timezone.localdate()
    facility_check(facility, today=today)
    record_occupancy(facility, today)
    return room


def _elder_for_admission(actor: Any, facility: Facility, elder_id: int) -> Any:
    from anlao.people.models import Elder, ElderStatus
    from anlao.people.selectors import elders_visible

    # The facility's own managers admit people they do not serve yet; others only elders
    # in their scope.
    own = actor.is_superuser or (actor.organisation_id == facility.operator_id)
    qs = Elder.objects.all() if own else elders_visible(actor=actor)
    elder = qs.filter(pk=elder_id).first()
    if elder is None:
        raise NotFound(_("Elder not found."))
    if elder.status != ElderStatus.ACTIVE:
        raise ServiceError(_("Only an active elder can be admitted."), field="elder_id")
    return elder


def _pick_room(facility: Facility, bed_category: str, room_id: int | None) -> Room:
    rooms = facility.rooms.select_for_update().filter(bed_category=bed_category)
    if room_id is not None:
        rooms = rooms.filter(pk=room_id)
    for room in rooms.order_by("label"):
        if room.occupied < room.beds:
            return room
    label = BedCategory(bed_category).label
    raise ServiceError(_("%(facility)s has no free %(category)s bed.")
                       % {"facility": facility.name, "category": label},
                       code="facility_full", field="bed_category")


@transaction.atomic
def facility_admit(*, actor: Any, facility_id: int, elder_id: int, bed_category: str,
                   on: dt.date, room_id: int | None = None) -> Stay:
    """Admit an elder to a free bed of ``bed_category``; refused when the facility is full or
    the elder already stays somewhere."""
    require(actor, "facility.admit")
    facility = _get_for_write(actor, facility_id)
    if bed_category not in BedCategory.values:
        raise ValidationFailed({"bed_category": [_("Choose one of the listed values.")]})
    if on > timezone.localdate():
        raise ValidationFailed({"on": [_("This date is in the future.")]})
    elder = _elder_for_admission(actor, facility, elder_id)
    current = Stay.objects.filter(elder=elder, discharged_on__isnull=True).first()
    if current is not None:
        raise ServiceError(_("%(elder)s already stays at %(facility)s.")
                           % {"elder": elder.name, "facility": current.facility.name},
                           code="already_admitted", field="elder_id")
    room = _pick_room(facility, bed_category, room_id)
    room.occupied += 1
    room.save(update_fields=["occupied"])
    stay = Stay.objects.create(facility=facility, room=room, elder=elder,
                               bed_category=bed_category, admitted_on=on)
    audit(actor=actor, action="facility.admit", obj=stay,
          after={"facility": facility.pk, "elder": elder.pk, "room": room.label,
                 "bed_category": bed_category, "on": on.isoformat()})
    record_occupancy(facility, on)
    return stay


@transaction.atomic
def facility_discharge(*, actor: Any, facility_id: int, elder_id: int, on: dt.date) -> Stay:
    require(actor, "facility.admit")
    facility = _get_for_write(actor, facility_id)
    stay = Stay.objects.select_for_update().filter(
        facility=facility, elder_id=elder_id, discharged_on__isnull=True).first()
    if stay is None:
        raise NotFound(_("This elder does not stay at this facility."))
    if on < stay.admitted_on or on > timezone.localdate():
        raise ValidationFailed({"on": [_("The discharge date must be between the admission "
                                         "date and today.")]})
    room = Room.objects.select_for_update().get(pk=stay.room_id)
    room.occupied = max(room.occupied - 1, 0)
    room.save(update_fields=["occupied"])
    stay.discharged_on = on
    stay.save(update_fields=["discharged_on", "updated_at"])
    audit(actor=actor, action="facility.discharge", obj=stay,
          before={"discharged_on": None}, after={"discharged_on": on.isoformat()})
    record_occupancy(facility, on)
    return stay


def record_occupancy(facility: Facility, on: dt.date) -> OccupancyRecord:
    """Upsert today's occupancy row (the history the detail page charts)."""
    c = bed_counts(facility.rooms.all())
    rec, _created = OccupancyRecord.objects.update_or_create(
        facility=facility, on=on,
        defaults={"beds": c["beds"], "nursing_beds": c["nursing_beds"],
                  "occupied": c["occupied"], "occupied_nursing": c["occupied_nursing"]})
    return rec


def facts_of(facility: Facility) -> Facts:
    c = bed_counts(facility.rooms.all())
    return Facts(type=facility.type, beds=c["beds"], nursing_beds=c["nursing_beds"],
                 medical_setup=facility.medical_setup, licence_number=facility.licence_number,
                 insurance_expires_on=facility.insurance_expires_on,
                 full_time_staff=facility.full_time_staff,
                 purchased_service_elders=facility.purchased_service_elders,
                 older_share_percent=facility.older_share_percent)


def facility_check(facility: Facility, *, today: dt.date | None = None
                   ) -> list[ComplianceFinding]:
    """Run every rule and replace the facility's stored findings, keeping a reviewer's
    decision on a rule that still fires. System task: no actor."""
    today = today or timezone.localdate()
    now = timezone.now()
    findings = check_facility(facts_of(facility), today, policy())
    with transaction.atomic():
        return findings_replace(STORE, ComplianceFinding.objects.filter(facility=facility), [
            ComplianceFinding(facility=facility, rule=f.rule, severity=f.severity,
                              message=f.message[:255], params=f.params, checked_at=now)
            for f in findings])


def compliance_run(*, now: dt.datetime | None = None, today: dt.date | None = None
                   ) -> dict[str, int]:
    """Every active facility's compliance rules (the rules kernel runs this)."""
    today = today or timezone.localdate(now)
    counts = {"facilities": 0, "findings": 0}
    for facility in Facility.objects.filter(is_active=True).iterator(chunk_size=500):
        counts["facilities"] += 1
        counts["findings"] += len(facility_check(facility, today=today))
    return counts


def facilities_check_all(*, today: dt.date | None = None) -> dict[str, int]:
    """The nightly run over every active facility; also records the day's occupancy."""
    today = today or timezone.localdate()
    counts = compliance_run(today=today)
    for facility in Facility.objects.filter(is_active=True).iterator(chunk_size=500):
        record_occupancy(facility, today)
    return counts


@transaction.atomic
def compliance_finding_review(*, actor: Any, finding_id: int, status: str, note: str
                              ) -> ComplianceFinding:
    """Confirm (a breach to act on) or dismiss (not one here) an open finding, with a reason.

    The decision stays while the rule keeps firing; a dismissed finding no longer counts
    against the facility."""
    require(actor, "facility.write")
    if status not in DECISIONS:
        raise ValidationFailed({"status": [_("Choose confirmed or dismissed.")]})
    if not (note or "").strip():
        raise ValidationFailed({"note": [_("A note is required.")]})
    finding = finding_decide(STORE, findings_for(actor=actor, status=""), finding_id=finding_id,
                             to=status, actor=actor, note=note)
    audit(actor=actor, action="compliance_finding.review", obj=finding,
          before={"status": Status.OPEN}, after={"status": finding.status, "note": finding.note})
    return finding


COMPLIANCE = RuleSet(
    name="facilities.compliance", title=gettext_lazy("Facility compliance"),
    subject="facilities.Facility", rules=RULES, store=STORE, run=compliance_run)
