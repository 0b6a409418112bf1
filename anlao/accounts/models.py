"""Staff users, their organisations, roles and jurisdictions; per-user API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped
from anlao.core.roles import Role


class OrganisationType(models.TextChoices):
    BUREAU = "bureau", _("civil-affairs bureau")
    STREET_OFFICE = "street_office", _("street office")
    COMMUNITY_COMMITTEE = "community_committee", _("community committee")
    PROVIDER = "provider", _("service provider")
    CANTEEN = "canteen", _("canteen")
    CARE_FACILITY = "care_facility", _("care facility")
    ASSESSMENT_AGENCY = "assessment_agency", _("assessment agency")
    PARTNER = "partner", _("partner (devices, face recognition)")


class Organisation(TimeStamped):
    name = models.CharField(_("name"), max_length=128)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="organisations",
        verbose_name=_("area"),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["type", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("organisation"),
    )
    # The jurisdiction: these areas and everything under them.
    areas = models.ManyToManyField(
        "areas.Area", blank=True, related_name="staff", verbose_name=_("jurisdiction")
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    def __str__(self) -> str:
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStamped):
    """A bearer token for the API. Only its hash is stored; the value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
