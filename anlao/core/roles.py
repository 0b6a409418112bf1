"""Roles and what each may do. The one table that answers "may this actor …?"."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from anlao.core.errors import PermissionDenied


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("city administrator")
    DISTRICT_OFFICER = "district_officer", _("district civil-affairs officer")
    STREET_OFFICER = "street_officer", _("street officer")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    PROVIDER_MANAGER = "provider_manager", _("provider manager")
    CAREGIVER = "caregiver", _("caregiver")
    AUDITOR = "auditor", _("auditor")
    ASSESSOR = "assessor", _("assessor")  # staff of an assessment agency
    # Operator of the district's 1+N call centre (hotline, alarm queue); area-scoped.
    HOTLINE_OPERATOR = "hotline_operator", _("hotline operator")
    # A partner system (device vendor, face-recognition service) acting through API tokens;
    # it sees nothing but what its own organisation sent or was sent.
    PARTNER = "partner", _("partner system")
    # A family member signed in on the portal with a one-time code; sees only the elders
    # whose contacts carry their phone number.
    FAMILY = "family", _("family member")


# Staff of a provider see only the elders their organisation serves, not an area.
PROVIDER_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.CAREGIVER})
AREA_STAFF = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER}
)
EVERYONE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[str]] = {
    "elder.view": EVERYONE,
    "elder.reveal": EVERYONE - {Role.PARTNER, Role.FAMILY},
    "elder.write": AREA_STAFF,
    "elder.import": AREA_STAFF,
    "elder.export": AREA_STAFF | {Role.AUDITOR},
    "audit.view": frozenset({Role.AUDITOR, Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "area.manage": frozenset({Role.CITY_ADMIN}),
    "dashboard.view": EVERYONE,
    # Benefits: district officers and city admins compute; approval is four-eyes (service).
    "policy.view": EVERYONE,
    "benefit.view": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.AUDITOR}),
    # Why one elder gets what they get (the "why" page): those who answer the elder's
    # questions and check the runs; not providers, who deliver services, not allowances.
    "benefit.explain": AREA_STAFF | {Role.AUDITOR},
    "benefit.compute": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "benefit.approve": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    # Payments: officers export bank files and import returns; area staff keep the elders'
    # bank accounts and record life verifications (生存认证).
    "payment.view": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.AUDITOR}),
    "payment.manage": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "payment.account": AREA_STAFF,
    # One elder's payment accounts and life verifications (the elder's payment page).
    "payment.history": AREA_STAFF | {Role.AUDITOR},
    "life.record": AREA_STAFF,
    # Ability assessments: agencies' assessors enter and review (not their own); area staff
    # ask for assessments, and street/district officers finalise (it sets the elder's level).
    "assessment.view": AREA_STAFF | {Role.AUDITOR, Role.ASSESSOR},
    "assessment.request": AREA_STAFF,
    "assessment.write": frozenset({Role.ASSESSOR}),
    "assessment.review": frozenset({Role.ASSESSOR, Role.STREET_OFFICER, Role.DISTRICT_OFFICER}),
    "assessment.finalise": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER,
                                      Role.STREET_OFFICER}),
    "assessment.import": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    # Workforce: providers keep their own caregivers' records; subsidy claims are four-eyes.
    "workforce.view": AREA_STAFF | PROVIDER_ROLES | {Role.AUDITOR},
    "workforce.write": AREA_STAFF | {Role.PROVIDER_MANAGER},
    "subsidy.claim": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER}),
    "subsidy.approve": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    # Facilities: area staff see their areas' facilities, provider staff their own operator's;
    # officers edit and import; area staff and the facility's managers admit and discharge.
    "facility.view": AREA_STAFF | PROVIDER_ROLES | {Role.AUDITOR},
    "facility.write": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER}),
    "facility.import": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "facility.admit": AREA_STAFF | {Role.PROVIDER_MANAGER},
    # Public care-home waitlist: area staff apply for their elders; the facility's area
    # officers and its operator's managers offer beds (scope checked in waitlist.selectors).
    "waitlist.view": AREA_STAFF | {Role.PROVIDER_MANAGER, Role.AUDITOR},
    "waitlist.apply": AREA_STAFF,
    "waitlist.manage": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER,
                                  Role.PROVIDER_MANAGER}),
    # Home care (1+N). Officers keep the catalog and contracts; area staff, the hotline and
    # partners order; a provider's manager dispatches its caregivers; caregivers check in/out;
    # officers review anomalies and settle providers (four-eyes in the service).
    "homecare.view": AREA_STAFF | PROVIDER_ROLES | {Role.AUDITOR, Role.HOTLINE_OPERATOR},
    "catalog.manage": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "contract.manage": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "homecare.staff": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.PROVIDER_MANAGER}),
    "order.create": AREA_STAFF | {Role.HOTLINE_OPERATOR, Role.PARTNER, Role.FAMILY},
    "order.cancel": AREA_STAFF | {Role.HOTLINE_OPERATOR, Role.PROVIDER_MANAGER, Role.FAMILY},
    "dispatch.manage": frozenset({Role.PROVIDER_MANAGER}),
    "visit.record": frozenset({Role.CAREGIVER}),
    "visit.review": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER}),
    "followup.record": AREA_STAFF | {Role.HOTLINE_OPERATOR},
    "settlement.view": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.AUDITOR,
                                  Role.PROVIDER_MANAGER}),
    "settlement.compute": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    "settlement.approve": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER}),
    # Emergency help (助急): partners' devices raise alarms; the hotline and area staff handle.
    "alarm.view": AREA_STAFF | {Role.HOTLINE_OPERATOR, Role.AUDITOR},
    "alarm.handle": AREA_STAFF | {Role.HOTLINE_OPERATOR},
    "alarm.ingest": frozenset({Role.PARTNER}),
    "device.manage": frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER,
                                Role.COMMUNITY_WORKER, Role.HOTLINE_OPERATOR}),
    # The family portal: families see their own elders, order services and rate visits.
    "portal.use": frozenset({Role.FAMILY}),
    # A face-recognition partner reports life verifications through the API.
    "life.partner": frozenset({Role.PARTNER}),
}


def has_perm(actor: Any, perm: str) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return getattr(actor, "role", "") in PERMISSIONS.get(perm, frozenset())


def require(actor: Any, perm: str) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(str(_("You are not allowed to do this.")))
