"""Reads of users and organisations that are not scoped to an actor: command-line look-ups by
username and organisations as reference data (pick lists; the services check the choice)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anlao.accounts.models import Organisation, User


def user_by_username(username: str, *, active_only: bool = False) -> User | None:
    qs = User.objects.filter(username=username)
    return (qs.filter(is_active=True) if active_only else qs).first()


def organisation_by_id(organisation_id: Any) -> Organisation | None:
    try:
        return Organisation.objects.filter(pk=int(organisation_id or 0)).first()
    except (TypeError, ValueError):
        return None


def organisations_where(condition: Q) -> QuerySet[Organisation]:
    return Organisation.objects.filter(condition)
