"""Reads of facilities, always scoped to the actor. Views, API and other apps read here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from anlao.areas.selectors import area_by_code
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm
from anlao.core.scoping import narrow_to_area, scope
from anlao.facilities.models import (
    STANDING,
    BedCategory,
    ComplianceFinding,
    Facility,
    OccupancyRecord,
    Room,
    Stay,
    bed_counts,
)


def facilities_visible(*, actor: Any) -> QuerySet[Facility]:
    """Area staff: facilities in their jurisdiction. Provider staff: their operator's."""
    if not has_perm(actor, "facility.view"):
        return Facility.objects.none()
    return scope(Facility.objects.all(), actor, area="area", organisation="operator")


def facility_get(*, actor: Any, facility_id: int) -> Facility:
    """One facility; ``NotFound`` when it does not exist or is out of the actor's scope."""
    try:
        return facilities_visible(actor=actor).select_related("area", "operator") \
            .get(pk=facility_id)
    except (Facility.DoesNotExist, ValueError, TypeError):
        raise NotFound("facility not found") from None


def free_beds(facility: Facility, category: str | None = None) -> int:
    """Free beds of a facility, of one BedCategory or all."""
    return facility.free_beds(category)


def with_beds(qs: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate beds, nursing_beds, occupied, occupied_nursing, free, findings_count."""
    nursing = Q(rooms__bed_category=BedCategory.NURSING)
    return qs.annotate(
        n_beds=Sum("rooms__beds", default=0),
        n_nursing=Sum("rooms__beds", filter=nursing, default=0),
        n_occupied=Sum("rooms__occupied", default=0),
        n_occupied_nursing=Sum("rooms__occupied", filter=nursing, default=0),
    ).annotate(n_free=F("n_beds") - F("n_occupied"))


@dataclass
class FacilityFilters:
    q: str = ""
    type: str = ""
    street: str = ""  # area code
    non_compliant: bool = False


def facilities_for(*, actor: Any, filters: FacilityFilters | None = None) -> QuerySet[Facility]:
    f = filters or FacilityFilters()
    qs = facilities_visible(actor=actor).select_related("area", "operator")
    if f.q.strip():
        qs = qs.filter(Q(name__icontains=f.q.strip()) | Q(licence_number=f.q.strip()))
    if f.type:
        qs = qs.filter(type=f.type)
    if f.street:
        qs = narrow_to_area(qs, actor, "area", area_by_code(f.street))
    if f.non_compliant:
        qs = qs.filter(id__in=ComplianceFinding.objects.filter(STANDING).values("facility_id"))
    # Counted in a subquery: joining findings and rooms together would multiply the sums.
    n_findings = (ComplianceFinding.objects.filter(STANDING, facility=OuterRef("pk"))
                  .values("facility").annotate(n=Count("id")).values("n"))
    ids = qs.values("id")
    return with_beds(Facility.objects.filter(id__in=ids).select_related("area", "operator")
                     ).annotate(n_findings=Coalesce(Subquery(n_findings), 0)
                                ).order_by("area__path", "name", "id")


def beds_summary(qs: QuerySet[Facility]) -> dict[str, int]:
    """Bed totals over a set of facilities (see models.bed_counts for keys)."""
    return bed_counts(Room.objects.filter(facility__in=qs.values("id")))


def findings_for(*, actor: Any, facility: Facility | None = None, status: str | None = None
                 ) -> QuerySet[ComplianceFinding]:
    """Compliance findings in the actor's scope (all, or of one facility). ``status``: None
    for those that still count (not dismissed), "" for every one, else that status."""
    qs = ComplianceFinding.objects.filter(facility__in=facilities_visible(actor=actor).values("id"))
    qs = qs.filter(STANDING) if status is None else qs.filter(status=status) if status else qs
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.select_related("facility", "facility__area", "reviewed_by")


def findings_by_area(*, actor: Any) -> list[dict[str, Any]]:
    """Per street in scope: facilities, beds, nursing share, and breaches / warnings.

    Seed 003's 70% nursing target is district-wide, so it is shown per street here as well
    as held against each residential home."""
    from anlao.areas.selectors import streets_for

    visible = facilities_visible(actor=actor)
    facilities = list(visible.select_related("area", "area__parent"))
    # Provider staff have no jurisdiction: their facilities' streets instead.
    streets = list(streets_for(actor=actor)) or sorted(
        {(f.area.parent if f.area.level == "community" else f.area) for f in facilities},
        key=lambda a: a.path)
    rows = [{"area": st, "facilities": 0, "with_findings": 0, "error": 0, "warning": 0,
             "beds": 0, "nursing_beds": 0} for st in streets]

    def row_for(path: str) -> dict[str, Any] | None:
        return next((r for r in rows if path.startswith(r["area"].path)), None)

    where = {}
    for f in facilities:
        where[f.pk] = row_for(f.area.path)
        if where[f.pk]:
            where[f.pk]["facilities"] += 1
    for room in Room.objects.filter(facility__in=visible.values("id")).only(
            "facility_id", "beds", "bed_category"):
        r = where.get(room.facility_id)
        if r:
            r["beds"] += room.beds
            r["nursing_beds"] += room.beds if room.bed_category == BedCategory.NURSING else 0
    flagged: set[int] = set()
    for fid, severity in findings_for(actor=actor).values_list("facility_id", "severity"):
        r = where.get(fid)
        if r:
            r[severity] += 1
            if fid not in flagged:
                flagged.add(fid)
                r["with_findings"] += 1
    for r in rows:
        r["nursing_share"] = round(100 * r["nursing_beds"] / r["beds"], 1) if r["beds"] else None
    return [r for r in rows if r["facilities"]]


def occupancy_history(facility: Facility, since: dt.date | None = None
                      ) -> QuerySet[OccupancyRecord]:
    qs = facility.occupancy_records.all()
    return qs.filter(on__gte=since) if since else qs


def current_stays(facility: Facility) -> QuerySet[Stay]:
    return facility.stays.filter(discharged_on__isnull=True).select_related("elder", "room")


def rooms_of(facility: Facility) -> QuerySet[Room]:
    return facility.rooms.all()


def map_points(*, actor: Any) -> list[dict[str, Any]]:
    """Visible facilities with coordinates, for the map (JSON-safe)."""
    qs = with_beds(facilities_visible(actor=actor).filter(lat__isnull=False, lng__isnull=False))
    qs = qs.prefetch_related(Prefetch("findings", queryset=ComplianceFinding.objects.filter(
        STANDING).only("id", "facility_id")))
    return [{"id": f.pk, "name": f.name, "type": f.type, "type_label": str(f.get_type_display()),
             "lat": f.lat, "lng": f.lng, "beds": f.n_beds, "free": f.n_free,
             "free_nursing": f.n_nursing - f.n_occupied_nursing,
             "findings": len(f.findings.all())} for f in qs]
