"""Reads of the service catalog and the providers' contracts, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from anlao.areas.models import Area
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm, is_provider_staff
from anlao.core.scoping import jurisdiction_paths
from anlao.homecare.models import (
    Contract,
    ContractItem,
    ContractState,
    ServiceItem,
)


def items_active() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(is_active=True).order_by("category", "code")


def items_all() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.order_by("category", "code")


def contracts_visible(actor: Any) -> QuerySet[Contract]:
    if not has_perm(actor, "homecare.view"):
        return Contract.objects.none()
    qs = Contract.objects.all()
    if is_provider_staff(actor):
        return qs.filter(provider_id=actor.organisation_id or -1)
    paths = jurisdiction_paths(actor)
    if paths is None:
        return qs.select_related("provider")
    return qs.filter(streets__in=Area.objects.under(*paths).values("id")).distinct() \
        .select_related("provider") if paths else qs.none()


def contract_get(actor: Any, contract_id: Any) -> Contract:
    try:
        pk = int(contract_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("contract not found") from exc
    contract = contracts_visible(actor).filter(pk=pk).first()
    if contract is None:
        raise NotFound("contract not found")
    return contract


def street_of(area: Area) -> Area:
    """The street an elder's residence lies in (a community's parent)."""
    return area if area.level == "street" or area.parent is None else area.parent


def contract_items_for(street: Area, item: ServiceItem, day: dt.date) -> QuerySet[ContractItem]:
    """Active contract lines covering ``item`` in ``street`` on ``day``."""
    return ContractItem.objects.filter(
        item=item, contract__state=ContractState.ACTIVE, contract__start__lte=day,
        contract__end__gte=day, contract__streets=street,
    ).select_related("contract", "contract__provider").order_by("price_fen", "contract_id")
