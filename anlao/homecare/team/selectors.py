"""Reads of a provider's team: which provider's team the actor keeps, its caregivers'
home-care profiles. Providers are scoped by ``catalog.selectors.providers_in_scope``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anlao.accounts.models import Organisation
from anlao.core.errors import NotFound, PermissionDenied
from anlao.core.roles import has_perm
from anlao.core.scoping import sees_by_organisation
from anlao.homecare.catalog.selectors import provider_in_scope_get, providers_in_scope
from anlao.homecare.models import CaregiverProfile


def team_providers(*, actor: Any) -> QuerySet[Organisation]:
    """Active providers whose team the actor may keep (an officer's picker)."""
    if not has_perm(actor, "homecare.staff"):
        return Organisation.objects.none()
    return providers_in_scope(actor=actor).filter(is_active=True).order_by("name")


def team_provider(*, actor: Any, provider_id: Any = None) -> Organisation:
    """The provider whose team the actor keeps: a provider manager their own organisation;
    an officer the chosen one, if it is in their scope. ``NotFound`` otherwise."""
    if not has_perm(actor, "homecare.staff"):
        raise PermissionDenied("homecare.staff")
    if sees_by_organisation(actor):
        provider_id = actor.organisation_id
    return provider_in_scope_get(actor=actor, provider_id=provider_id)


def team_profiles(provider: Organisation) -> QuerySet[CaregiverProfile]:
    """The caregivers of a provider from ``team_provider``, active ones first."""
    return (CaregiverProfile.objects.filter(provider=provider)
            .select_related("caregiver", "user").prefetch_related("leaves")
            .order_by("-is_active", "caregiver__name"))


def team_profile_get(provider: Organisation, profile_id: Any) -> CaregiverProfile:
    profile = (CaregiverProfile.objects.filter(pk=profile_id, provider=provider)
               .select_related("caregiver", "user").first())
    if profile is None:
        raise NotFound("caregiver not found")
    return profile
