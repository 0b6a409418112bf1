"""The elder registry over JSON. Reads go through people.selectors, writes through services."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, client_ip, paginate
from anlao.core.errors import ServiceError
from anlao.core.masking import mask_address
from anlao.people import services
from anlao.people.models import Elder, ElderStatus, LivingSituation
from anlao.people.selectors import ElderFilters, elder_get, elders_for

router = Router(tags=["elders"])

AgeBand = Literal["60-69", "70-79", "80-89", "90-99", "100+"]
Category = Literal["extreme_poverty", "dibao", "near_dibao", "bereaved_one_child_family",
                   "entitled_veteran", "disabled", "alone"]
StatusFilter = Literal["active", "deceased", "moved_out", "all"]


# --- output ---------------------------------------------------------------------------------

class AreaRef(Schema):
    code: str = Field(description="12-digit statistical code.")
    name: str


class ContactOut(Schema):
    id: int
    name: str
    relation: str
    phone_masked: str = Field(description="Masked, e.g. `138****5678`.")
    is_guardian: bool
    is_emergency: bool


class ElderListItem(Schema):
    id: int
    name: str
    sex: Literal["M", "F"]
    age: int = Field(description="Completed years (周岁) today, Asia/Shanghai.")
    id_number_masked: str = Field(description="Area code and last four kept, e.g. "
                                              "`330105********0021`. Reveal for the full value.")
    phone_masked: str = Field(description="Empty when there is no phone.")
    community: AreaRef
    street: AreaRef | None
    living_situation: LivingSituation
    categories: list[str] = Field(description="Special categories: extreme_poverty, dibao, "
                                              "near_dibao, bereaved_one_child_family, "
                                              "entitled_veteran, disabled.")
    ability_level: int | None = Field(description="0 (able) … 4 (fully dependent), "
                                                  "GB/T 42195-2022; null when not assessed.")
    status: ElderStatus


class ElderDetail(ElderListItem):
    status_date: dt.date | None
    hukou_area: AreaRef | None
    address_masked: str = Field(description="The start of the address; reveal for all of it.")
    has_coordinates: bool
    disability_grade: int | None = Field(description="1 (most severe) … 4; null when none.")
    note: str
    contacts: list[ContactOut]


class RevealOut(Schema):
    field: str
    value: str


# --- input ----------------------------------------------------------------------------------

class ElderQuery(PageParams):
    q: str = Field("", max_length=64, description="Name (part), full ID number, 11-digit "
                                                  "phone, or the last four of ID or phone.")
    street: str = Field("", max_length=12, description="Street code: elders of that street.")
    community: str = Field("", max_length=12, description="Community code (wins over street).")
    age_band: AgeBand | None = None
    category: Category | None = Field(None, description="`alone` means lives alone, empty "
                                                        "nest or no family.")
    living_situation: LivingSituation | None = None
    status: StatusFilter = Field("active", description="`all` for every status.")


class ElderFields(Schema):
    """Fields shared by create and update; see people/validation.py for every rule."""

    phone: str | None = Field(None, max_length=20, description="11-digit mobile or landline "
                                                               "like `0571-88001234`.")
    hukou_area: str | None = Field(None, max_length=12, description="Area code of the hukou; "
                                                                    "defaults to residence.")
    address: str | None = Field(None, max_length=200)
    lat: float | None = None
    lng: float | None = None
    living_situation: LivingSituation | None = None
    extreme_poverty: bool | None = None
    dibao: bool | None = None
    near_dibao: bool | None = None
    bereaved_one_child_family: bool | None = None
    entitled_veteran: bool | None = None
    disability_grade: int | None = Field(None, ge=0, le=4, description="1–4; 0 or null: none.")
    note: str | None = Field(None, max_length=2000)
    birth_date: dt.date | None = Field(None, description="Optional; checked against the ID.")
    sex: Literal["M", "F"] | None = Field(None, description="Optional; checked against the ID.")


class ElderCreateIn(ElderFields):
    name: str = Field(max_length=32)
    id_number: str = Field(max_length=18, description="18-digit resident ID (15-digit "
                                                      "numbers are upgraded).")
    residence_area: str = Field(max_length=12, description="Community code, inside your "
                                                           "jurisdiction.")


class ElderPatchIn(ElderFields):
    name: str | None = Field(None, max_length=32)
    id_number: str | None = Field(None, max_length=18)
    residence_area: str | None = Field(None, max_length=12, description="Community code.")


class RevealIn(Schema):
    field: Literal["id_number", "phone", "address"]
    reason: Literal["service", "payment", "verification", "complaint", "other"] = Field(
        description="Why you need the full value (service delivery, payment, verification, "
                    "complaint, other); kept in the access log.")
    note: str = Field("", max_length=255, description="More on why; required with "
                                                      "\"other\". Control characters are "
                                                      "dropped.")


class StatusIn(Schema):
    status: ElderStatus = Field(description="`deceased`, `moved_out`, or `active` to "
                                            "reactivate a moved-out elder.")
    date: dt.date = Field(description="When it happened; not in the future.")
    note: str = Field("", max_length=255)


# --- shaping --------------------------------------------------------------------------------

def _area(area: Any) -> dict[str, str] | None:
    return {"code": area.code, "name": area.name} if area is not None else None


def _item(elder: Elder, today: dt.date | None = None) -> dict[str, Any]:
    community = elder.residence_area
    return {
        "id": elder.pk, "name": elder.name, "sex": elder.sex,
        "age": elder.age_on(today or timezone.localdate()),
        "id_number_masked": elder.masked_id_number, "phone_masked": elder.masked_phone,
        "community": _area(community), "street": _area(community.parent),
        "living_situation": elder.living_situation, "categories": elder.categories,
        "ability_level": elder.ability_level, "status": elder.status,
    }


def _detail(elder: Elder) -> dict[str, Any]:
    contacts = [
        {"id": c.pk, "name": c.name, "relation": c.relation, "phone_masked": c.masked_phone,
         "is_guardian": c.is_guardian, "is_emergency": c.is_emergency}
        for c in elder.contacts.all()
    ]
    return {
        **_item(elder), "status_date": elder.status_date, "hukou_area": _area(elder.hukou_area),
        "address_masked": mask_address(elder.address),
        "has_coordinates": elder.lat is not None and elder.lng is not None,
        "disability_grade": elder.disability_grade, "note": elder.note, "contacts": contacts,
    }


def _service_data(payload: ElderFields) -> dict[str, Any]:
    """What the client sent. Birth date and sex left out are derived from the ID number."""
    data = payload.dict(exclude_unset=True)
    data.setdefault("birth_date", None)
    data.setdefault("sex", None)
    return {k: ("" if v is None and k in ("phone", "address", "note") else v)
            for k, v in data.items()}


def _reload(request: HttpRequest, elder_id: int) -> dict[str, Any]:
    return _detail(elder_get(actor=request.auth, elder_id=elder_id))


# --- endpoints ------------------------------------------------------------------------------

@router.get("", response={200: Page[ElderListItem], **ERROR_RESPONSES},
            summary="List elders in your scope")
def list_elders(request: HttpRequest, filters: Query[ElderQuery]) -> dict[str, Any]:
    """Elders you may see (jurisdiction, or the elders your organisation serves), filtered
    and paged. ID numbers and phones are masked."""
    f = ElderFilters(q=filters.q, street=filters.street, community=filters.community,
                     age_band=filters.age_band or "", category=filters.category or "",
                     living_situation=filters.living_situation or "",
                     status="" if filters.status == "all" else filters.status)
    today = timezone.localdate()
    return paginate(elders_for(actor=request.auth, filters=f, today=today), filters,
                    lambda e: _item(e, today))


@router.get("/{int:elder_id}", response={200: ElderDetail, **ERROR_RESPONSES},
            summary="One elder")
def get_elder(request: HttpRequest, elder_id: int) -> dict[str, Any]:
    """404 when the elder does not exist or lies outside your scope."""
    return _reload(request, elder_id)


@router.post("", response={201: ElderDetail, **ERROR_RESPONSES}, summary="Register an elder")
def create_elder(request: HttpRequest, payload: ElderCreateIn) -> Status:
    """Validates the ID number (checksum, age ≥ 60, one active record per ID) and that the
    community lies in your jurisdiction. Audited."""
    elder = services.elder_create(actor=request.auth, data=_service_data(payload))
    return Status(201, _reload(request, elder.pk))


@router.patch("/{int:elder_id}", response={200: ElderDetail, **ERROR_RESPONSES},
              summary="Change an elder's fields")
def update_elder(request: HttpRequest, elder_id: int, payload: ElderPatchIn) -> dict[str, Any]:
    """Only the fields sent change. Audited with old and new values."""
    services.elder_update(actor=request.auth, elder_id=elder_id, data=_service_data(payload))
    return _reload(request, elder_id)


@router.post("/{int:elder_id}/reveal", response={200: RevealOut, **ERROR_RESPONSES},
             summary="Reveal a full ID number, phone or address")
def reveal(request: HttpRequest, elder_id: int, payload: RevealIn) -> dict[str, Any]:
    """Writes the access log: who saw whose value, when and why."""
    value = services.elder_reveal(actor=request.auth, elder_id=elder_id, field=payload.field,
                                  reason=payload.reason, note=payload.note,
                                  ip=client_ip(request))
    return {"field": payload.field, "value": value}


@router.post("/{int:elder_id}/status", response={200: ElderDetail, **ERROR_RESPONSES},
             summary="Record death or moving out, or reactivate")
def set_status(request: HttpRequest, elder_id: int, payload: StatusIn) -> dict[str, Any]:
    """The record is kept; a deceased elder's status cannot change again. Audited."""
    try:
        services.elder_set_status(actor=request.auth, elder_id=elder_id, status=payload.status,
                                  on=payload.date, note=payload.note)
    except ServiceError as exc:
        if exc.field == "status_date":  # name the input the client sent
            exc.field = "date"
        raise
    return _reload(request, elder_id)
