"""Reads of caregivers, claims and the certification KPI, always scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm
from anlao.core.scoping import scope, scope_by_area
from anlao.workforce.models import Caregiver, CertificateKind, ClaimBatch, Employment

# Seed 003 (拱墅区): "护理员持证率达95%以上".
CERTIFIED_TARGET_PERCENT = 95


def caregivers_visible(*, actor: Any) -> QuerySet[Caregiver]:
    """Area staff: caregivers recorded or employed in their jurisdiction. Provider staff:
    those their organisation employs or employed."""
    if not has_perm(actor, "workforce.view"):
        return Caregiver.objects.none()
    # Employed by the actor's organisation; or recorded in the jurisdiction, or ever employed
    # at a facility in it.
    return scope(Caregiver.objects.all(), actor, area=("area", "employments__facility__area"),
                 organisation="employments__employer")


def caregiver_get(*, actor: Any, caregiver_id: int) -> Caregiver:
    try:
        return caregivers_visible(actor=actor).select_related("area").get(pk=caregiver_id)
    except (Caregiver.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such caregiver.")) from exc


def caregivers_for(*, actor: Any, q: str = "", certified: str = "") -> QuerySet[Caregiver]:
    qs = caregivers_visible(actor=actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(phone__endswith=q))
    skilled = Q(certificates__kind=CertificateKind.SKILL)
    if certified == "yes":
        qs = qs.filter(pk__in=Caregiver.objects.filter(skilled).values("pk"))
    elif certified == "no":
        qs = qs.exclude(pk__in=Caregiver.objects.filter(skilled).values("pk"))
    return qs.select_related("area")


def batches_visible(*, actor: Any) -> QuerySet[ClaimBatch]:
    """Claims are the bureau's: area staff with claim or approve rights, and auditors."""
    if not (has_perm(actor, "subsidy.claim") or has_perm(actor, "subsidy.approve")
            or (has_perm(actor, "workforce.view") and actor.role == "auditor")):
        return ClaimBatch.objects.none()
    return scope_by_area(ClaimBatch.objects.select_related("area"), actor, "area")


def batch_get(*, actor: Any, batch_id: int) -> ClaimBatch:
    try:
        return batches_visible(actor=actor).get(pk=batch_id)
    except (ClaimBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such claim.")) from exc


def _current_jobs(actor: Any, on: dt.date) -> QuerySet[Employment]:
    return (Employment.objects
            .filter(caregiver__in=caregivers_visible(actor=actor), start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on))
            .select_related("employer", "facility__area"))


def _street_and_district(area: Area, names: dict[str, str]) -> tuple[str, str]:
    """The street (first 12-digit code) and district (deepest 6-digit code) in ``area``'s path."""
    parts = [p for p in area.path.strip("/").split("/") if p]
    street = next((p for p in parts if len(p) == 12), "")
    district = next((p for p in reversed(parts) if len(p) == 6), "")
    return names.get(street, street), names.get(district, district)


def certification_kpi(*, actor: Any, on: dt.date | None = None) -> dict[str, list[dict]]:
    """Share of currently employed caregivers holding a skill certificate issued by ``on``.

    Grouped by facility, provider (employer), street and district. A caregiver with two
    current jobs counts once per group they appear in.
    """
    on = on or timezone.localdate()
    jobs = list(_current_jobs(actor, on))
    certified = set(Caregiver.objects.filter(
        pk__in={j.caregiver_id for j in jobs}, certificates__kind=CertificateKind.SKILL,
        certificates__issued_on__lte=on).values_list("pk", flat=True))
    names = dict(Area.objects.filter(code__regex=r"^\d{6}(\d{6})?$").values_list("code", "name"))
    groups: dict[str, dict[str, set]] = {k: defaultdict(set) for k in
                                         ("facility", "provider", "street", "district")}
    for j in jobs:
        area = j.facility.area if j.facility else j.employer.area
        street, district = _street_and_district(area, names)
        keys = {"facility": j.facility.name if j.facility else "",
                "provider": j.employer.name, "street": street, "district": district}
        for kind, key in keys.items():
            if key:
                groups[kind][key].add(j.caregiver_id)
    return {kind: _rows(g, certified) for kind, g in groups.items()}


def _rows(group: dict[str, set], certified: set) -> list[dict]:
    rows = []
    for name, ids in sorted(group.items()):
        n, c = len(ids), len(ids & certified)
        pct = round(100 * c / n, 1) if n else 0.0
        rows.append({"name": name, "total": n, "certified": c, "percent": pct,
                     "meets": pct >= CERTIFIED_TARGET_PERCENT})
    return rows
