"""Facility pages: list, detail (rooms, stays, occupancy history, findings), map, compliance.

Views parse input, call one selector or service, and render. Out-of-scope facilities answer
404; missing permission 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.selectors import streets_for
from anlao.core import rules
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.http import error_text
from anlao.core.roles import has_perm
from anlao.facilities import selectors, services
from anlao.facilities.models import BedCategory, Facility, FacilityType
from anlao.facilities.policy import policy

TYPE_COLOURS = {
    FacilityType.CARE_HOME: "#b4483a", FacilityType.STREET_CENTRE: "#3d7ea6",
    FacilityType.COMMUNITY_STATION: "#5b8c5a", FacilityType.RURAL_MUTUAL_AID: "#7a5c99",
    FacilityType.EMBEDDED_MINI: "#e0a030", FacilityType.CANTEEN: "#8c6d46",
}


STAYS_SHOWN = 50


def _require_view(request: HttpRequest) -> None:
    if not has_perm(request.user, "facility.view"):
        raise DjangoPermissionDenied


def _facility_or_404(request: HttpRequest, pk: int) -> Facility:
    try:
        return selectors.facility_get(actor=request.user, facility_id=pk)
    except NotFound as exc:
        raise Http404(_("No such facility.")) from exc


def _filters(request: HttpRequest) -> selectors.FacilityFilters:
    g = request.GET
    type_ = g.get("type", "")
    return selectors.FacilityFilters(
        q=g.get("q", "")[:40], type=type_ if type_ in FacilityType.values else "",
        street=g.get("street", "")[:12], non_compliant=g.get("non_compliant") == "1")


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    filters = _filters(request)
    qs = selectors.facilities_for(actor=request.user, filters=filters)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "facilities/facility_list.html", {
        "nav": "facilities", "page": page, "filters": filters,
        "types": FacilityType.choices, "streets": list(streets_for(actor=request.user)),
        "totals": selectors.beds_summary(qs), "count": page.paginator.count,
        "querystring": urlencode(params), "filtered": bool(params),
        "can_import": has_perm(request.user, "facility.import"),
    })


def _history_chart(facility: Facility) -> dict[str, Any]:
    since = timezone.localdate() - dt.timedelta(days=400)
    recs = list(selectors.occupancy_history(facility, since))
    return {"dates": [r.on.isoformat() for r in recs],
            "beds": [r.beds for r in recs], "occupied": [r.occupied for r in recs],
            "occupied_nursing": [r.occupied_nursing for r in recs],
            "labels": {"beds": _("Beds"), "occupied": _("Occupied"),
                       "occupied_nursing": _("Occupied nursing beds")}}


def _detail_context(request: HttpRequest, facility: Facility, **extra: Any) -> dict[str, Any]:
    labels = services.COMPLIANCE.titles()
    findings = [(labels.get(f.rule, f.rule), f) for f in
                selectors.findings_for(actor=request.user, facility=facility)]
    context = {
        "nav": "facilities", "facility": facility, "counts": facility.bed_counts(),
        "rooms": list(selectors.rooms_of(facility)),
        "stays": list(selectors.current_stays(facility)[:STAYS_SHOWN]),
        "stays_total": selectors.current_stays(facility).count(),
        "findings": findings, "chart": _history_chart(facility),
        "categories": BedCategory.choices, "today": timezone.localdate(),
        "can_admit": has_perm(request.user, "facility.admit"),
        "can_write": has_perm(request.user, "facility.write"),
    }
    context.update(extra)
    return context


@login_required
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_or_404(request, pk)
    return render(request, "facilities/facility_detail.html", _detail_context(request, facility))


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _error_text(exc: ServiceError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


def _elder_id_from(request: HttpRequest) -> int | None:
    """The admission form takes the full ID number; look it up among visible elders."""
    from anlao.people.selectors import ElderFilters, elders_for

    number = request.POST.get("id_number", "").strip().upper()
    if len(number) != 18:
        return None
    elder = elders_for(actor=request.user, filters=ElderFilters(q=number)).first()
    return elder.pk if elder else None


@login_required
@require_POST
def facility_admit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_or_404(request, pk)
    elder_id = _elder_id_from(request)
    on = _parse_date(request.POST.get("on", ""))
    try:
        if elder_id is None:
            raise ServiceError(_("No elder with this ID number in your scope."))
        if on is None:
            raise ServiceError(_("Enter the admission date."))
        stay = services.facility_admit(
            actor=request.user, facility_id=facility.pk, elder_id=elder_id,
            bed_category=request.POST.get("bed_category", ""), on=on)
    except ServiceError as exc:
        messages.error(request, _("Not admitted: %(reason)s") % {"reason": _error_text(exc)})
        return redirect("facilities:detail", pk=facility.pk)
    messages.success(request, _("%(elder)s admitted to room %(room)s.")
                     % {"elder": stay.elder.name, "room": stay.room.label})
    return redirect("facilities:detail", pk=facility.pk)


@login_required
@require_POST
def facility_discharge(request: HttpRequest, pk: int, elder_id: int) -> HttpResponse:
    facility = _facility_or_404(request, pk)
    on = _parse_date(request.POST.get("on", "")) or timezone.localdate()
    try:
        stay = services.facility_discharge(actor=request.user, facility_id=facility.pk,
                                           elder_id=elder_id, on=on)
    except ServiceError as exc:
        messages.error(request, _("Not discharged: %(reason)s") % {"reason": _error_text(exc)})
        return redirect("facilities:detail", pk=facility.pk)
    messages.success(request, _("%(elder)s discharged.") % {"elder": stay.elder.name})
    return redirect("facilities:detail", pk=facility.pk)


@login_required
@require_POST
def room_save(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_or_404(request, pk)
    beds = request.POST.get("beds", "")
    try:
        services.room_save(actor=request.user, facility_id=facility.pk,
                           label=request.POST.get("label", ""),
                           bed_category=request.POST.get("bed_category", ""),
                           beds=int(beds) if beds.isdigit() else -1)
    except ServiceError as exc:
        messages.error(request, _("Room not saved: %(reason)s") % {"reason": _error_text(exc)})
        return redirect("facilities:detail", pk=facility.pk)
    messages.success(request, _("Room saved."))
    return redirect("facilities:detail", pk=facility.pk)


def _area_points(actor: Any) -> list[dict[str, Any]]:
    """Streets of the actor's scope as labelled points (no boundary polygons exist yet)."""
    return [{"name": a.name, "lat": a.lat, "lng": a.lng} for a in streets_for(actor=actor)
            if a.lat is not None and a.lng is not None]


@login_required
def facility_map(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    types = [{"code": c, "label": str(label), "colour": TYPE_COLOURS[c]}
             for c, label in FacilityType.choices]
    data = {"points": selectors.map_points(actor=request.user), "areas": _area_points(request.user),
            "types": types, "tile_url": settings.MAP_TILE_URL,
            "detail_url": reverse("facilities:detail", args=[0]),
            "labels": {"free": _("free beds"), "beds": _("beds"),
                       "free_nursing": _("free nursing beds"), "findings": _("findings"),
                       "open": _("Open")}}
    return render(request, "facilities/facility_map.html",
                  {"nav": "facilities", "map_data": data, "types": types,
                   "count": len(data["points"])})


def _compliance_review(request: HttpRequest) -> None:
    try:
        services.compliance_finding_review(
            actor=request.user, finding_id=int(request.POST.get("id") or 0),
            status=request.POST.get("status", ""), note=request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    except ValueError:
        messages.error(request, _("No such finding."))
    else:
        messages.success(request, _("The finding was updated."))


@login_required
def facility_compliance(request: HttpRequest) -> HttpResponse:
    """Findings per street, then the list to review (open and confirmed unless filtered)."""
    _require_view(request)
    if request.method == "POST":
        _compliance_review(request)
        back = request.POST.get("back", "")[:500]
        return redirect(reverse("facilities:compliance") + (f"?{back}" if back else ""))
    ruleset = services.COMPLIANCE
    f = rules.review_filters(ruleset, request.GET)
    findings = selectors.findings_for(actor=request.user, status=f.status or None).order_by(
        "facility__area__path", "facility__name", "rule")
    if f.rule:
        findings = findings.filter(rule=f.rule)
    labels = ruleset.titles()
    return render(request, "facilities/compliance.html", {
        "nav": "facilities", "by_area": selectors.findings_by_area(actor=request.user),
        "findings": [(labels.get(x.rule, x.rule), x) for x in findings[:500]],
        "rules": labels.items(), "rule": f.rule, "status": f.status,
        "statuses": ruleset.store.choices(), "store": ruleset.store,
        "back": rules.query_without_page(request.GET),
        "can_review": has_perm(request.user, "facility.write"),
        "nursing_target": policy()["nursing_share_target_percent"],
    })
