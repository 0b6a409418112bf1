"""Every write to the registry. Each takes ``actor``, runs atomically and writes an audit row."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit, changed, log_access, snapshot
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.reveal import reveal_reason
from anlao.core.roles import require
from anlao.people.models import Contact, ContactRelation, Elder, ElderStatus
from anlao.people.selectors import elder_get
from anlao.people.validation import LANDLINE, MOBILE, AreaIndex, clean_elder

AUDITED_FIELDS = [
    "name", "id_number", "birth_date", "sex", "phone", "hukou_area_id", "residence_area_id",
    "address", "lat", "lng", "living_situation", "extreme_poverty", "dibao", "near_dibao",
    "bereaved_one_child_family", "entitled_veteran", "disability_grade", "status",
    "status_date", "note",
]
REVEALABLE = {"id_number", "phone", "address"}


def _check_unique_active(id_number: str, *, exclude_pk: int | None = None) -> None:
    qs = Elder.objects.filter(id_number=id_number, status=ElderStatus.ACTIVE)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationFailed({"id_number": [_("An active elder with this ID number exists.")]})


@transaction.atomic
def elder_create(*, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> Elder:
    require(actor, "elder.write")
    cleaned, errors = clean_elder(data, index=AreaIndex.build(actor), today=today)
    if errors:
        raise ValidationFailed(errors)
    _check_unique_active(cleaned["id_number"])
    elder = Elder(**cleaned)
    try:
        with transaction.atomic():
            elder.save()
    except IntegrityError as exc:  # a concurrent create of the same ID number
        raise ValidationFailed(
            {"id_number": [_("An active elder with this ID number exists.")]}
        ) from exc
    audit(actor=actor, action="elder.create", obj=elder, after=snapshot(elder, AUDITED_FIELDS))
    return elder


@transaction.atomic
def elder_update(
    *, actor: Any, elder_id: int, data: dict[str, Any], today: dt.date | None = None
) -> Elder:
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id, for_update=True)
    before = snapshot(elder, AUDITED_FIELDS)
    merged = {**before, **data}
    if "residence_area" not in data:
        merged["residence_area"] = elder.residence_area
    if "hukou_area" not in data:
        merged["hukou_area"] = elder.hukou_area
    if "id_number" in data:
        # The stored birth date and sex belong to the old number; the new one derives its own.
        for derived in ("birth_date", "sex"):
            if derived not in data:
                merged.pop(derived, None)
    cleaned, errors = clean_elder(merged, index=AreaIndex.build(actor), today=today)
    if errors:
        raise ValidationFailed(errors)
    if elder.status == ElderStatus.ACTIVE:
        _check_unique_active(cleaned["id_number"], exclude_pk=elder.pk)
    for name, value in cleaned.items():
        setattr(elder, name, value)
    elder.save()
    old, new = changed(before, snapshot(elder, AUDITED_FIELDS))
    audit(actor=actor, action="elder.update", obj=elder, before=old, after=new)
    return elder


@transaction.atomic
def elder_set_status(
    *, actor: Any, elder_id: int, status: str, on: dt.date, note: str = ""
) -> Elder:
    """Record death or moving out (the record is kept), or reactivate a moved-out elder."""
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id, for_update=True)
    if status not in ElderStatus.values:
        raise ServiceError(_("Unknown status."), field="status")
    if elder.status == ElderStatus.DECEASED:
        raise ServiceError(_("A deceased elder's status cannot change."), field="status")
    if elder.status == status:
        raise ServiceError(_("The elder already has this status."), field="status")
    if on is None and status != ElderStatus.ACTIVE:
        raise ServiceError(_("Give the date."), field="status_date")
    if on and on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="status_date")
    if on and on < elder.birth_date:
        raise ServiceError(_("The date is before the birth date."), field="status_date")
    if status == ElderStatus.ACTIVE:
        _check_unique_active(elder.id_number, exclude_pk=elder.pk)
    before = snapshot(elder, ["status", "status_date"])
    elder.status = status
    elder.status_date = None if status == ElderStatus.ACTIVE else on
    elder.save(update_fields=["status", "status_date", "updated_at"])
    audit(actor=actor, action=f"elder.status.{status}", obj=elder, before=before,
          after=snapshot(elder, ["status", "status_date"]), note=note)
    return elder


@transaction.atomic
def elder_reveal(*, actor: Any, elder_id: int, field: str, reason: str, note: str = "",
                 ip: str | None = None) -> str:
    """The full value of a masked field; writes the access log (who, whose, when, why: a
    reason from ``RevealReason`` and an optional note)."""
    require(actor, "elder.reveal")
    if field not in REVEALABLE:
        raise ServiceError(_("This field cannot be revealed."), field="field")
    reason = reveal_reason(reason, note)
    elder = elder_get(actor=actor, elder_id=elder_id)
    log_access(actor=actor, obj=elder, field=field, reason=reason, ip=ip)
    return getattr(elder, field)


def contact_reveal(*, actor: Any, elder_id: int, contact_id: int, reason: str,
                   note: str = "", ip: str | None = None) -> str:
    """A contact's full phone number (e.g. to call the family in an emergency); logged."""
    require(actor, "elder.reveal")
    reason = reveal_reason(reason, note)
    elder = elder_get(actor=actor, elder_id=elder_id)
    contact = elder.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("No such contact."))
    log_access(actor=actor, obj=contact, field="phone", reason=reason, ip=ip)
    return contact.phone


@transaction.atomic
def contact_add(*, actor: Any, elder_id: int, name: str, relation: str, phone: str,
                is_guardian: bool = False, is_emergency: bool = True) -> Contact:
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id)
    name = (name or "").strip()
    phone = re.sub(r"[\s()]", "", phone or "")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name is required.")]
    elif len(name) > 32:
        errors["name"] = [_("Name is too long (at most 32 characters).")]
    if relation not in ContactRelation.values:
        errors["relation"] = [_("Choose a relation from the list.")]
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors["phone"] = [_("Phone must be an 11-digit mobile or a landline like 0571-88001234.")]
    if errors:
        raise ValidationFailed(errors)
    contact = Contact.objects.create(elder=elder, name=name, relation=relation,
                                     phone=phone, is_guardian=is_guardian,
                                     is_emergency=is_emergency)
    audit(actor=actor, action="contact.add", obj=contact,
          after=snapshot(contact, ["elder_id", "name", "relation", "phone", "is_guardian"]))
    return contact


@transaction.atomic
def contact_remove(*, actor: Any, elder_id: int, contact_id: int) -> None:
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id)
    contact = elder.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise ServiceError(_("No such contact."), code="not_found")
    before = snapshot(contact, ["elder_id", "name", "relation", "phone", "is_guardian"])
    contact.delete()
    audit(actor=actor, action="contact.remove", entity="people.contact", entity_id=contact_id,
          before=before)
