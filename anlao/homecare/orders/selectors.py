"""Reads of orders, care plans and credit — always scoped to the actor.

Who sees which orders: provider staff their organisation's; a partner the orders its own
organisation placed; everyone else (area staff, hotline, auditors) orders of elders living in
their jurisdiction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from anlao.areas.selectors import area_by_code
from anlao.core.periods import next_month
from anlao.core.roles import Role, has_perm
from anlao.core.scoping import narrow_to_area, one_in_scope, scope, scope_by_organisation
from anlao.credit.models import CreditEntry
from anlao.credit.selectors import has_line
from anlao.homecare.models import (
    VISIT_CREDIT_SOURCE,
    CarePlan,
    Order,
    Visit,
)
from anlao.people.models import Elder
from anlao.people.selectors import elder_get, elders_served, elders_visible


def is_partner(*, actor: Any) -> bool:
    return not actor.is_superuser and getattr(actor, "role", "") == Role.PARTNER


def orderable_elder(*, actor: Any, elder_id: Any) -> Elder:
    """The elder an order may be placed for. Partners have no jurisdiction: they order for
    elders their organisation serves (an active service link); everyone else through
    ``people.selectors.elder_get``. ``NotFound`` otherwise."""
    if not is_partner(actor=actor):
        return elder_get(actor=actor, elder_id=elder_id)
    return one_in_scope(elders_served(actor=actor).select_related(
        "residence_area", "residence_area__parent"), elder_id, "elder")


def orders_visible(*, actor: Any) -> QuerySet[Order]:
    if not has_perm(actor, "homecare.view") and not has_perm(actor, "order.create"):
        return Order.objects.none()
    qs = Order.objects.all()
    if is_partner(actor=actor):
        return scope_by_organisation(qs, actor, "created_by__organisation")
    if getattr(actor, "role", "") == "family":  # the portal: their own elders' orders
        return qs.filter(elder__in=elders_visible(actor=actor).values("pk"))
    return scope(qs, actor, area="elder__residence_area", organisation="provider")


@dataclass
class OrderFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: str = ""
    category: str = ""
    street: str = ""  # street code
    elder: int | None = None


def orders_for(*, actor: Any, filters: OrderFilters | None = None) -> QuerySet[Order]:
    f = filters or OrderFilters()
    qs = orders_visible(actor=actor)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(item__category=f.category)
    if f.elder:
        qs = qs.filter(elder_id=f.elder)
    if f.street:
        qs = narrow_to_area(qs, actor, "elder__residence_area", area_by_code(f.street))
    return qs.select_related("elder", "elder__residence_area", "elder__residence_area__parent",
                             "item", "provider", "visit", "visit__caregiver__caregiver") \
        .order_by("-date", "window_start", "id")


def order_get(*, actor: Any, order_id: Any) -> Order:
    return one_in_scope(orders_for(actor=actor), order_id, "order")


def care_plans_for(*, actor: Any, elder_id: int | None = None) -> QuerySet[CarePlan]:
    qs = CarePlan.objects.all()
    if is_partner(actor=actor):
        qs = scope_by_organisation(qs, actor, "created_by__organisation")
    elif has_perm(actor, "homecare.view"):
        qs = scope(qs, actor, area="elder__residence_area", organisation="provider")
    else:
        return qs.none()
    if elder_id:
        qs = qs.filter(elder_id=elder_id)
    return qs.select_related("elder", "item", "provider").order_by("-start", "id")


def care_plans_by_id(plan_ids: list[int]) -> QuerySet[CarePlan]:
    """Plans by id, unscoped: for materialising the plan a service just created."""
    return CarePlan.objects.filter(pk__in=plan_ids)


def order_key_used(*, actor: Any, key: str) -> bool:
    """Whether the actor already sent an order with this idempotency key."""
    return Order.objects.filter(created_by=actor, idempotency_key=key).exists()


def care_plan_get(*, actor: Any, plan_id: Any) -> CarePlan:
    return one_in_scope(care_plans_for(actor=actor), plan_id, "care plan")


def credit_promised(elder_id: int, period: dt.date) -> int:
    """Credit promised to the month's accepted orders whose visit is not yet spent (the
    ledger counts it in every consumer's ``available``)."""
    qs = Order.objects.filter(elder_id=elder_id, date__gte=period, date__lt=next_month(period),
                              state__in=["accepted", "done"]) \
        .exclude(has_line(VISIT_CREDIT_SOURCE, "visit__id"))
    return int(qs.aggregate(s=Sum("credit_fen"))["s"] or 0)


def credit_lines(*, actor: Any, elder_id: Any,
                 limit: int = 500) -> tuple[Elder, list[CreditEntry]]:
    """An elder's ledger, newest month first, each visit's line with its ``visit`` (and
    order and item) attached; ``NotFound`` when out of scope."""
    elder = orderable_elder(actor=actor, elder_id=elder_id)
    lines = list(CreditEntry.objects.filter(elder=elder).order_by("-period", "id")[:limit])
    visits = Visit.objects.select_related("order__item").in_bulk(
        {ln.source_id for ln in lines if ln.source == VISIT_CREDIT_SOURCE})
    for ln in lines:
        ln.visit = visits.get(ln.source_id) if ln.source == VISIT_CREDIT_SOURCE else None
    return elder, lines

