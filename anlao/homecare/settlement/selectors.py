"""Reads of provider settlements: the providers and settlements in the actor's scope, a
settlement's lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm
from anlao.homecare.catalog.selectors import providers_in_scope
from anlao.homecare.models import (
    Settlement,
    SettlementLine,
)


def providers_visible(*, actor: Any) -> QuerySet[Organisation]:
    """Providers whose settlements the actor may see: those in scope
    (``catalog.selectors.providers_in_scope``), for those who may read settlements."""
    if not has_perm(actor, "settlement.view"):
        return Organisation.objects.none()
    return providers_in_scope(actor=actor)


def settlements_visible(*, actor: Any) -> QuerySet[Settlement]:
    return Settlement.objects.filter(
        provider__in=providers_visible(actor=actor).values("id")).select_related(
        "provider", "computed_by", "approved_by")


def settlements_for(*, actor: Any, period: dt.date | None = None,
                    provider_id: int | None = None) -> QuerySet[Settlement]:
    qs = settlements_visible(actor=actor)
    if period is not None:
        qs = qs.filter(period=period)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    return qs.order_by("-period", "provider__name")


def settlement_get(*, actor: Any, pk: int) -> Settlement:
    """One settlement the actor may see; anything else is NotFound (pages answer 404)."""
    found = settlements_visible(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found


def provider_get(*, actor: Any, provider_id: int) -> Organisation:
    found = providers_visible(actor=actor).filter(pk=provider_id).first()
    if found is None:
        raise NotFound(_("No such provider."))
    return found


def lines_for(settlement: Settlement) -> QuerySet[SettlementLine]:
    """A settlement's lines with what the statement shows (date, elder, item, caregiver).
    Call only with a settlement from ``settlement_get`` (already scoped)."""
    return (settlement.lines.select_related("visit__order__elder", "visit__order__item",
                                            "visit__caregiver__caregiver")
            .order_by("visit__date", "visit_id"))
