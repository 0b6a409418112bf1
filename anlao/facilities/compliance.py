"""Compliance rules: pure functions over a facility's facts. Each rule is named, returns the
findings it makes (empty when the facility complies) and reads its numbers from ``policy()``.

``RULES`` names them for the rules kernel (anlao.core.rules; registered as
"facilities.compliance" in services.COMPLIANCE); ``check_facility`` runs them all and
services store the result (see services.facility_check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.core.rules import FindingStore, Rule
from anlao.facilities.models import FacilityType, MedicalSetup, Severity

MEDICAL_RANK = {MedicalSetup.NONE: 0, MedicalSetup.AGREEMENT: 1, MedicalSetup.CLINIC: 2,
                MedicalSetup.INDEPENDENT: 3}


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one facility (numbers as of the check)."""

    type: str
    beds: int = 0
    nursing_beds: int = 0
    medical_setup: str = MedicalSetup.NONE
    licence_number: str = ""
    insurance_expires_on: dt.date | None = None
    full_time_staff: int = 0
    purchased_service_elders: int = 0
    older_share_percent: Decimal | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


def describe(rule: str, params: dict[str, Any]) -> str:
    """A finding in words, in the current language (stored findings keep only params, so a
    page in Chinese does not show the language the nightly check ran in)."""
    p = params
    if rule == "medical_setup":
        return _("%(beds)d beds need %(need)s; the facility has %(has)s.") % {
            "beds": p["beds"], "need": MedicalSetup(p["required"]).label,
            "has": MedicalSetup(p["actual"]).label}
    if rule == "insurance":
        if p.get("missing"):
            return _("No liability insurance on file.")
        if "days" not in p:
            return _("Liability insurance expired on %(date)s.") % {"date": p["expires_on"]}
        return _("Liability insurance expires on %(date)s, in %(days)d days.") % {
            "date": p["expires_on"], "days": p["days"]}
    if rule == "licence":
        return _("No licence or filing number.")
    if rule == "staffing":
        if p.get("unknown_share"):
            return _("The share of people aged 60+ in the street is not entered, so the "
                     "staffing rule cannot be checked.")
        return _("%(need)d full-time staff required, %(has)d on file.") % {
            "need": p["required"], "has": p["actual"]}
    if rule == "nursing_share":
        return _("Nursing beds are %(share)s%% of beds, below the %(target)s%% target.") % {
            "share": p["share"], "target": p["target"]}
    return rule


def _finding(rule: str, severity: str, params: dict[str, Any]) -> Finding:
    return Finding(rule, severity, describe(rule, params), params)


def required_medical_setup(beds: int, pol: dict[str, Any]) -> str:
    """Seed 003: ≤100 beds an agreement; 101–500 an on-site clinic; >500 an independent one."""
    if beds <= 0:
        return MedicalSetup.NONE
    if beds <= pol["medical_agreement_max_beds"]:
        return MedicalSetup.AGREEMENT
    if beds <= pol["medical_clinic_max_beds"]:
        return MedicalSetup.CLINIC
    return MedicalSetup.INDEPENDENT


def rule_medical_setup(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    need = required_medical_setup(f.beds, pol)
    if MEDICAL_RANK[MedicalSetup(f.medical_setup)] >= MEDICAL_RANK[need]:
        return []
    return [_finding("medical_setup", Severity.ERROR,
                     {"beds": f.beds, "required": need, "actual": f.medical_setup})]


def rule_insurance(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    exp = f.insurance_expires_on
    if exp is None:
        return [_finding("insurance", Severity.ERROR, {"missing": True})]
    if exp < today:
        return [_finding("insurance", Severity.ERROR, {"expires_on": exp.isoformat()})]
    days = (exp - today).days
    if days <= pol["insurance_warning_days"]:
        return [_finding("insurance", Severity.WARNING,
                         {"expires_on": exp.isoformat(), "days": days})]
    return []


def rule_licence(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    if f.licence_number.strip():
        return []
    return [_finding("licence", Severity.ERROR, {})]


def required_staff(f: Facts, pol: dict[str, Any]) -> int | None:
    """Full-time staff seed 003 asks of this facility; ``None`` when it cannot be told."""
    if f.type == FacilityType.STREET_CENTRE:
        if f.older_share_percent is None:
            return None
        below = Decimal(f.older_share_percent) < pol["street_centre_older_share_threshold"]
        return pol["street_centre_staff_below"] if below else pol["street_centre_staff_above"]
    if f.type == FacilityType.COMMUNITY_STATION:
        return f.purchased_service_elders // pol["station_elders_per_manager"]
    return 0


def rule_staffing(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    need = required_staff(f, pol)
    if need is None:
        return [_finding("staffing", Severity.WARNING, {"unknown_share": True})]
    if f.full_time_staff >= need:
        return []
    return [_finding("staffing", Severity.ERROR,
                     {"required": need, "actual": f.full_time_staff})]


def rule_nursing_share(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    if f.beds <= 0 or f.type not in pol["nursing_share_types"]:
        return []
    share = Decimal(f.nursing_beds * 100) / Decimal(f.beds)
    target = Decimal(pol["nursing_share_target_percent"])
    if share >= target:
        return []
    return [_finding("nursing_share", Severity.WARNING,
                     {"share": str(share.quantize(Decimal("0.1"))), "target": str(target)})]


RULES: tuple[Rule, ...] = (
    Rule("medical_setup", gettext_lazy("Medical set-up matches beds"), rule_medical_setup,
         severity=Severity.ERROR),
    Rule("insurance", gettext_lazy("Liability insurance valid"), rule_insurance,
         severity=Severity.ERROR),
    Rule("licence", gettext_lazy("Licence or filing number"), rule_licence,
         severity=Severity.ERROR),
    Rule("staffing", gettext_lazy("Full-time staffing"), rule_staffing, severity=Severity.ERROR),
    Rule("nursing_share", gettext_lazy("Nursing-bed share"), rule_nursing_share,
         severity=Severity.WARNING),
)
# Findings: one per facility and rule, replaced on every check (services.facility_check).
STORE = FindingStore(model="facilities.ComplianceFinding", key=("facility_id", "rule"),
                     note_hint=gettext_lazy("Reason (required)"))


def check_facility(f: Facts, today: dt.date, pol: dict[str, Any]) -> list[Finding]:
    return [finding for rule in RULES for finding in rule.check(f, today, pol)]
