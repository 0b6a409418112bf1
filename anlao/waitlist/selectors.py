"""Reads of the waitlist. Staff reads are scoped to the actor; the public queue is not
(it shows only masked names and ID numbers, as the published lists do)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from anlao.core.errors import NotFound
from anlao.core.masking import mask_id_number, mask_name
from anlao.core.roles import has_perm
from anlao.core.scoping import scope
from anlao.facilities.models import Facility, FacilityType, OperationMode
from anlao.people.selectors import elders_visible
from anlao.waitlist.models import WaitlistApplication, WaitlistEvent
from anlao.waitlist.policy import WaitlistPolicy, load_policy
from anlao.waitlist.queue import Entry, Event, compute_queue

PUBLIC_MODES = (OperationMode.PUBLIC, OperationMode.PUBLIC_PRIVATE_RUN)


def public_care_homes() -> QuerySet[Facility]:
    """Facilities with a public waitlist: active public (or public-built) care homes."""
    return (Facility.objects.filter(type=FacilityType.CARE_HOME, operation_mode__in=PUBLIC_MODES,
                                    is_active=True)
            .select_related("area").order_by("area__path", "name", "id"))


def public_care_home_get(facility_id: Any) -> Facility:
    try:
        return public_care_homes().get(pk=int(facility_id))
    except (Facility.DoesNotExist, TypeError, ValueError):
        raise NotFound("facility not found") from None


def public_application_get(facility: Facility, application_id: Any) -> WaitlistApplication:
    """An application on a public queue (the "why" page), with its elder."""
    app = WaitlistApplication.objects.filter(pk=application_id, facility=facility) \
        .select_related("elder").first()
    if app is None:
        raise NotFound("application not found")
    return app


def facilities_managed(*, actor: Any) -> QuerySet[Facility]:
    """Public care homes whose queue the actor may see: in their area, or their operator's."""
    if not has_perm(actor, "waitlist.view"):
        return Facility.objects.none()
    return scope(public_care_homes(), actor, area="area", organisation="operator")


def facility_managed_get(*, actor: Any, facility_id: Any) -> Facility:
    try:
        return facilities_managed(actor=actor).get(pk=int(facility_id))
    except (Facility.DoesNotExist, TypeError, ValueError):
        raise NotFound("facility not found") from None


def applications_visible(*, actor: Any) -> QuerySet[WaitlistApplication]:
    """Applications of elders the actor may see, or to facilities whose queue they manage."""
    if not has_perm(actor, "waitlist.view"):
        return WaitlistApplication.objects.none()
    return WaitlistApplication.objects.filter(
        Q(elder__in=elders_visible(actor=actor).values("id"))
        | Q(facility__in=facilities_managed(actor=actor).values("id")))


def application_get(*, actor: Any, application_id: Any) -> WaitlistApplication:
    try:
        return applications_visible(actor=actor).select_related("facility", "elder").get(
            pk=int(application_id))
    except (WaitlistApplication.DoesNotExist, TypeError, ValueError):
        raise NotFound("application not found") from None


def facility_events(facility_id: int) -> list[Event]:
    """The facility's log as plain events, for the pure queue functions."""
    rows = WaitlistEvent.objects.filter(facility_id=facility_id).values_list(
        "id", "kind", "application_id", "at", "data")
    return [Event(*row) for row in rows]


@dataclass(frozen=True)
class QueueRow:
    entry: Entry
    masked_name: str
    masked_id: str
    class_label: str
    elder_id: int


def queue_rows(facility_id: int, policy: WaitlistPolicy | None = None) -> list[QueueRow]:
    """The queue recomputed from the log, with masked names and ID numbers."""
    policy = policy or load_policy()
    queue = compute_queue(facility_events(facility_id), policy)
    apps = WaitlistApplication.objects.filter(
        id__in=[e.application_id for e in queue]).select_related("elder").only(
        "id", "elder__id", "elder__name", "elder__id_number")
    by_id = {a.pk: a for a in apps}
    return [QueueRow(e, mask_name(by_id[e.application_id].elder.name),
                     mask_id_number(by_id[e.application_id].elder.id_number),
                     policy.class_label(e.class_code), by_id[e.application_id].elder_id)
            for e in queue]


def application_events(application: WaitlistApplication) -> QuerySet[WaitlistEvent]:
    return application.events.order_by("id")


def withdrawals_since(elder_id: int, since: dt.datetime) -> list[dt.datetime]:
    return list(WaitlistEvent.objects.filter(
        application__elder_id=elder_id, kind="withdrawn", at__gte=since,
    ).order_by("at").values_list("at", flat=True))


def masked_names(facility_id: int) -> dict[int, str]:
    """Masked name of every applicant to the facility (closed applications too), by id."""
    rows = WaitlistApplication.objects.filter(facility_id=facility_id).values_list(
        "id", "elder__name")
    return {pk: mask_name(name) for pk, name in rows}
