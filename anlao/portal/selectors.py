"""What a family member sees of their elders: upcoming and recent visits, credit, waitlist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from anlao.homecare.models import Order, OrderState, Visit
from anlao.people.models import Elder
from anlao.people.selectors import elder_get, elders_visible


def family_elders(*, actor: Any) -> QuerySet[Elder]:
    return elders_visible(actor=actor).select_related("residence_area").order_by("name", "id")


def family_elder(*, actor: Any, elder_id: Any) -> Elder:
    return elder_get(actor=actor, elder_id=elder_id)


def upcoming_orders(elder: Elder, today: dt.date | None = None) -> QuerySet[Order]:
    today = today or timezone.localdate()
    return (Order.objects.filter(elder=elder, date__gte=today, state=OrderState.ACCEPTED)
            .select_related("item", "provider", "visit", "visit__caregiver__caregiver")
            .order_by("date", "window_start")[:20])


def recent_visits(elder: Elder, today: dt.date | None = None, days: int = 30
                  ) -> QuerySet[Visit]:
    today = today or timezone.localdate()
    return (Visit.objects.filter(order__elder=elder, date__lt=today + dt.timedelta(days=1),
                                 date__gte=today - dt.timedelta(days=days),
                                 check_out_at__isnull=False)
            .select_related("order__item", "caregiver__caregiver", "follow_up")
            .order_by("-date", "-check_out_at")[:20])


def waitlist_applications(elder: Elder) -> list[tuple[Any, int | None]]:
    """The elder's open care-home applications with their place in each queue."""
    from anlao.waitlist.models import ACTIVE_STATUSES, WaitlistApplication
    from anlao.waitlist.selectors import queue_rows

    apps = list(WaitlistApplication.objects.filter(elder=elder, status__in=ACTIVE_STATUSES)
                .select_related("facility"))
    out = []
    for app in apps:
        rows = queue_rows(app.facility_id)
        position = next((r.entry.position for r in rows
                         if r.entry.application_id == app.pk), None)
        out.append((app, position))
    return out
