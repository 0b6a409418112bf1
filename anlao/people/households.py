"""Household links (同户): elders living together as one household.

Kept apart from services.py so the registry module stays small; the same rules apply: every
write takes ``actor``, checks permission and scope, runs atomically and is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.roles import require
from anlao.people.models import Elder, ElderStatus, Household
from anlao.people.selectors import elder_get, elders_visible
from anlao.people.validation import parse_resident_id_or_none


def household_members(*, actor: Any, elder: Elder) -> QuerySet[Elder]:
    """The other members of the elder's household that the actor may see."""
    if not elder.household_id:
        return Elder.objects.none()
    return (elders_visible(actor=actor).filter(household_id=elder.household_id).exclude(pk=elder.pk)
            .select_related("residence_area", "residence_area__parent"))


def _other_by_id_number(actor: Any, id_number: str) -> Elder:
    number = parse_resident_id_or_none(id_number)
    other = elders_visible(actor=actor) \
        .filter(id_number=number, status=ElderStatus.ACTIVE).first() \
        if number else None
    if other is None:
        raise ServiceError(_("No active elder with this ID number in your jurisdiction."),
                           field="id_number", code="not_found")
    return other


@transaction.atomic
def household_link(*, actor: Any, elder_id: int, other_id_number: str) -> Household:
    """Put two elders in one household: join the other's household, or start one."""
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id, for_update=True)
    other = _other_by_id_number(actor, other_id_number)
    if other.pk == elder.pk:
        raise ServiceError(_("An elder cannot be linked to themselves."), field="id_number")
    if elder.household_id and other.household_id and elder.household_id != other.household_id:
        raise ServiceError(_("Both elders already belong to different households; remove one "
                             "from their household first."), field="id_number")
    household = elder.household or other.household or Household.objects.create(
        address=elder.address, area=elder.residence_area)
    before = {"elder": elder.household_id, "other": other.household_id}
    Elder.objects.filter(pk__in=[elder.pk, other.pk]).update(household=household)
    audit(actor=actor, action="household.link", obj=household, before=before,
          after={"members": sorted([elder.pk, other.pk])})
    return household


@transaction.atomic
def household_leave(*, actor: Any, elder_id: int) -> None:
    """Take an elder out of their household (the household and its history stay)."""
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id, for_update=True)
    if not elder.household_id:
        raise ServiceError(_("This elder is not in a household."), field="household")
    household_id = elder.household_id
    Elder.objects.filter(pk=elder.pk).update(household=None)
    audit(actor=actor, action="household.leave", entity="people.household",
          entity_id=household_id, before={"member": elder.pk})
