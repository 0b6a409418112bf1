"""Facilities over JSON: list, detail with beds and findings, admission and discharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate
from anlao.facilities import selectors, services
from anlao.facilities.models import BedCategory, Facility, FacilityType

router = Router(tags=["facilities"])


class BedsOut(Schema):
    beds: int
    nursing_beds: int
    occupied: int
    occupied_nursing: int
    free: int
    free_nursing: int
    free_general: int


class FacilityItem(Schema):
    id: int
    name: str
    type: FacilityType
    operator: str
    area_code: str
    lat: float | None
    lng: float | None
    beds: int
    free: int
    findings: int = Field(description="Open compliance findings.")


class FacilityFindingOut(Schema):
    rule: str = Field(description="medical_setup, insurance, licence, staffing, nursing_share")
    severity: str = Field(description="error (a breach) or warning")
    message: str
    checked_at: dt.datetime


class FacilityOut(Schema):
    id: int
    name: str
    type: FacilityType
    operation_mode: str
    operator: str
    area_code: str
    licence_number: str
    insurance_expires_on: dt.date | None
    medical_setup: str
    beds: BedsOut
    findings: list[FacilityFindingOut]


class FacilityQuery(Schema):
    q: str = ""
    type: FacilityType | None = None
    street: str = Field("", description="12-digit street code.")
    non_compliant: bool = False


class AdmitIn(Schema):
    elder_id: int
    bed_category: BedCategory
    on: dt.date


class DischargeIn(Schema):
    elder_id: int
    on: dt.date


class StayOut(Schema):
    id: int
    facility_id: int
    elder_id: int
    room: str
    bed_category: BedCategory
    admitted_on: dt.date
    discharged_on: dt.date | None


def _item(f: Facility) -> dict[str, Any]:
    return {"id": f.pk, "name": f.name, "type": f.type, "operator": f.operator.name,
            "area_code": f.area.code, "lat": f.lat, "lng": f.lng, "beds": f.n_beds,
            "free": f.n_free, "findings": f.n_findings}


def _stay(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "facility_id": s.facility_id, "elder_id": s.elder_id,
            "room": s.room.label, "bed_category": s.bed_category,
            "admitted_on": s.admitted_on, "discharged_on": s.discharged_on}


@router.get("", response={200: Page[FacilityItem], **ERROR_RESPONSES},
            summary="Facilities in your scope")
def facility_list(request: HttpRequest, filters: Query[FacilityQuery],
                  page: Query[PageParams]) -> dict[str, Any]:
    f = selectors.FacilityFilters(q=filters.q, type=filters.type or "", street=filters.street,
                                  non_compliant=filters.non_compliant)
    return paginate(selectors.facilities_for(actor=request.auth, filters=f), page, _item)


@router.get("/{facility_id}", response={200: FacilityOut, **ERROR_RESPONSES},
            summary="One facility with beds and compliance findings")
def facility_detail(request: HttpRequest, facility_id: int) -> dict[str, Any]:
    f = selectors.facility_get(actor=request.auth, facility_id=facility_id)
    return {"id": f.pk, "name": f.name, "type": f.type, "operation_mode": f.operation_mode,
            "operator": f.operator.name, "area_code": f.area.code,
            "licence_number": f.licence_number, "insurance_expires_on": f.insurance_expires_on,
            "medical_setup": f.medical_setup, "beds": f.bed_counts(),
            "findings": [{"rule": x.rule, "severity": x.severity, "message": x.text,
                          "checked_at": x.checked_at}
                         for x in selectors.findings_for(actor=request.auth, facility=f)]}


@router.post("/{facility_id}/admit", response={201: StayOut, **ERROR_RESPONSES},
             summary="Admit an elder to a free bed")
def facility_admit(request: HttpRequest, facility_id: int, body: AdmitIn) -> Status:
    """Refused with `facility_full` when no bed of the category is free, `already_admitted`
    when the elder stays somewhere; nothing changes then."""
    stay = services.facility_admit(actor=request.auth, facility_id=facility_id,
                                   elder_id=body.elder_id, bed_category=body.bed_category,
                                   on=body.on)
    return Status(201, _stay(stay))


@router.post("/{facility_id}/discharge", response={200: StayOut, **ERROR_RESPONSES},
             summary="Discharge an elder")
def facility_discharge(request: HttpRequest, facility_id: int, body: DischargeIn
                       ) -> dict[str, Any]:
    stay = services.facility_discharge(actor=request.auth, facility_id=facility_id,
                                       elder_id=body.elder_id, on=body.on)
    return _stay(stay)
