"""Reads of the service catalog and the providers' contracts, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from anlao.accounts.models import Organisation, OrganisationType
from anlao.areas.models import Area
from anlao.core.roles import has_perm
from anlao.core.scoping import one_in_scope, scope
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


def providers_in_scope(*, actor: Any) -> QuerySet[Organisation]:
    """Home-care providers the actor may see and act on: provider staff their own
    organisation; everyone else the providers based in, or contracted for a street of, their
    jurisdiction (a city administrator: every provider of the city)."""
    qs = Organisation.objects.filter(type=OrganisationType.PROVIDER)
    if not has_perm(actor, "homecare.view"):
        return qs.none()
    return scope(qs, actor, area=("area", "homecare_contracts__streets"), organisation="pk")


def provider_in_scope_get(*, actor: Any, provider_id: Any) -> Organisation:
    """One provider of ``providers_in_scope``; ``NotFound`` for any other, or none."""
    qs = providers_in_scope(actor=actor).select_related("area")
    return one_in_scope(qs, provider_id, "provider")


def contracts_visible(*, actor: Any) -> QuerySet[Contract]:
    """Provider staff their organisation's contracts; everyone else the contracts covering a
    street of their jurisdiction."""
    if not has_perm(actor, "homecare.view"):
        return Contract.objects.none()
    return scope(Contract.objects.all(), actor, area="streets",
                 organisation="provider").select_related("provider")


def contract_get(*, actor: Any, contract_id: Any) -> Contract:
    return one_in_scope(contracts_visible(actor=actor), contract_id, "contract")


def street_of(area: Area) -> Area:
    """The street an elder's residence lies in (a community's parent)."""
    return area if area.level == "street" or area.parent is None else area.parent


def contract_items_for(street: Area, item: ServiceItem, day: dt.date) -> QuerySet[ContractItem]:
    """Active contract lines covering ``item`` in ``street`` on ``day``."""
    return ContractItem.objects.filter(
        item=item, contract__state=ContractState.ACTIVE, contract__start__lte=day,
        contract__end__gte=day, contract__streets=street,
    ).select_related("contract", "contract__provider").order_by("price_fen", "contract_id")
