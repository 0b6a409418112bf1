"""Excel import of an existing facility inventory: every row is checked first; any error and
nothing is written, the page lists every error with its Excel row number. Header matching
follows the registry import (people.imports.normalise_header)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.accounts.models import Organisation
from anlao.areas.models import Area
from anlao.core.audit import audit
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope
from anlao.facilities.models import Facility, FacilityType, MedicalSetup, OperationMode
from anlao.facilities.services import facility_create
from anlao.facilities.validation import clean_facility
from anlao.people.imports import ImportRejected, normalise_header


@dataclass(frozen=True)
class Col:
    field: str
    zh: str
    en: str
    required: bool = False
    label: Any = None


COLUMNS: tuple[Col, ...] = (
    Col("name", "机构名称", "Name", True, gettext_lazy("Name")),
    Col("type", "机构类型", "Type", True, gettext_lazy("Type")),
    Col("operator", "运营机构", "Operator", True, gettext_lazy("Operator")),
    Col("operation_mode", "运营方式", "Operation mode", False, gettext_lazy("Operation mode")),
    Col("area", "所在社区或街道", "Area", True, gettext_lazy("Area")),
    Col("address", "地址", "Address", False, gettext_lazy("Address")),
    Col("lat", "纬度", "Latitude", False, gettext_lazy("Latitude")),
    Col("lng", "经度", "Longitude", False, gettext_lazy("Longitude")),
    Col("floor_space_m2", "建筑面积", "Floor space", False, gettext_lazy("Floor space")),
    Col("opened_on", "开业日期", "Opening date", False, gettext_lazy("Opening date")),
    Col("licence_number", "许可或备案号", "Licence number", False,
        gettext_lazy("Licence or filing number")),
    Col("star_rating", "星级", "Star rating", False, gettext_lazy("Star rating")),
    Col("star_rated_on", "评星日期", "Star rating date", False, gettext_lazy("Star rating date")),
    Col("insurance_policy", "责任险保单号", "Insurance policy", False,
        gettext_lazy("Liability insurance policy")),
    Col("insurance_expires_on", "责任险到期日", "Insurance expiry", False,
        gettext_lazy("Insurance expiry")),
    Col("medical_setup", "医疗配置", "Medical set-up", False, gettext_lazy("Medical set-up")),
    Col("medical_partner", "合作医疗机构", "Medical institution", False,
        gettext_lazy("Medical institution")),
    Col("general_beds", "普通床位", "General beds", False, gettext_lazy("General beds")),
    Col("nursing_beds", "护理型床位", "Nursing beds", False, gettext_lazy("Nursing beds")),
    Col("occupied_general", "普通床位在住", "Occupied general", False,
        gettext_lazy("Occupied general beds")),
    Col("occupied_nursing", "护理床位在住", "Occupied nursing", False,
        gettext_lazy("Occupied nursing beds")),
    Col("full_time_staff", "专职人员数", "Full-time staff", False,
        gettext_lazy("Full-time staff")),
    Col("purchased_service_elders", "购买服务老人数", "Purchased-service elders", False,
        gettext_lazy("Elders with purchased services")),
    Col("older_share_percent", "60岁以上人口占比", "Share aged 60+", False,
        gettext_lazy("Share aged 60+ (%)")),
)
HEADER_KEYS = {normalise_header(n): c.field for c in COLUMNS for n in (c.zh, c.en, c.field)}
# Choice cells may hold the code, the English label or the Chinese name.
CHOICE_ZH = {
    "type": {"养老院": "care_home", "养老机构": "care_home", "街道照料中心": "street_centre",
             "居家养老服务中心": "street_centre", "社区服务站": "community_station",
             "日间照料中心": "community_station", "农村互助养老": "rural_mutual_aid",
             "嵌入式小微机构": "embedded_mini", "助餐点": "canteen", "老年食堂": "canteen"},
    "operation_mode": {"公办": "public", "公建民营": "public_private_run", "民办": "private"},
    "medical_setup": {"无": "none", "签约合作": "agreement", "医务室": "clinic",
                      "独立医疗机构": "independent"},
}
CHOICES = {"type": FacilityType, "operation_mode": OperationMode,
           "medical_setup": MedicalSetup}
INTS = ("general_beds", "nursing_beds", "occupied_general", "occupied_nursing",
        "full_time_staff", "purchased_service_elders", "star_rating")
DATES = ("opened_on", "star_rated_on", "insurance_expires_on")
DECIMALS = ("floor_space_m2", "older_share_percent")
FLOATS = ("lat", "lng")


@dataclass
class RowError:
    row: int
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: int = 0
    created: list[Facility] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_rows(upload: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, field → raw cell) for every non-blank row under the header."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # not a zip, not a workbook
        raise ImportRejected(_("This is not an Excel .xlsx file. Save it as .xlsx (Excel "
                               "workbook) and upload again.")) from exc
    mapping: dict[int, str] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    for row_no, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        found = {i: HEADER_KEYS[k] for i, v in enumerate(cells)
                 if (k := normalise_header(v)) in HEADER_KEYS}
        if mapping is None:
            if len(found) >= 3:
                mapping = found
            elif row_no >= 5:
                break
            continue
        if not out and len(found) >= max(2, len(mapping) // 2):
            continue  # the template's second (English) header row
        out.append((row_no, {f: cells[i] if i < len(cells) else None
                             for i, f in mapping.items()}))
        if len(out) > settings.IMPORT_MAX_ROWS:
            raise ImportRejected(_("The file has more than %(limit)s rows; split it into "
                                   "smaller files.") % {"limit": settings.IMPORT_MAX_ROWS})
    missing = [c for c in COLUMNS if c.required and c.field not in (mapping or {}).values()]
    if missing:
        raise ImportRejected(_("The file does not have the template's column headers; "
                               "missing: %(columns)s.")
                             % {"columns": "、".join(f"{c.zh} ({c.en})" for c in missing)})
    if not out:
        raise ImportRejected(_("The file has no data rows under the headers."))
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _typed(name: str, raw: Any) -> Any:
    """One cell as the model wants it; raises ValueError with a message for the user."""
    text = _text(raw)
    if name in DATES:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
        except ValueError:
            raise ValueError(_("not a date (use 2024-05-31)")) from None
    if name in INTS:
        if not text.isdigit():
            raise ValueError(_("not a whole number"))
        return int(text)
    if name in DECIMALS:
        try:
            return Decimal(text.rstrip("%"))
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
    if name in FLOATS:
        try:
            return float(text)
        except ValueError:
            raise ValueError(_("not a number")) from None
    if name in CHOICES:
        return _choice(name, text)
    return text


def _choice(name: str, text: str) -> str:
    choices = CHOICES[name]
    if text in choices.values:
        return text
    by_label = {str(label).lower(): v for v, label in choices.choices}
    value = CHOICE_ZH[name].get(text) or by_label.get(text.lower())
    if value is None:
        raise ValueError(_("unknown value; use one of: %(values)s")
                         % {"values": "、".join(CHOICE_ZH[name])})
    return value


class Lookups:
    """Areas (code or name, in the actor's scope) and operators (name) for a whole file."""

    def __init__(self, actor: Any):
        areas = [a for a in Area.objects.current().filter(code__startswith="33")
                 if area_in_scope(actor, a)]
        self.by_code = {a.code: a for a in areas}
        self.by_name: dict[str, list[Area]] = {}
        for a in areas:
            self.by_name.setdefault(a.name, []).append(a)
        self.orgs: dict[str, list[Organisation]] = {}
        for o in Organisation.objects.filter(is_active=True):
            self.orgs.setdefault(o.name, []).append(o)

    def area(self, text: str) -> Area:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) != 1:
            raise ValueError(_("no such area in your jurisdiction") if not found
                             else _("more than one area has this name; use its code"))
        return found[0]

    def operator(self, text: str) -> Organisation:
        found = self.orgs.get(text, [])
        if len(found) != 1:
            raise ValueError(_("no such organisation") if not found
                             else _("more than one organisation has this name"))
        return found[0]


LABELS = {c.field: c.label for c in COLUMNS}
ROOM_FIELDS = ("general_beds", "nursing_beds", "occupied_general", "occupied_nursing")


def _row_data(raw: dict[str, Any], look: Lookups, msgs: list[str], failed: set[str]
              ) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in raw.items():
        if _text(cell) == "" and not isinstance(cell, dt.date):
            continue
        try:
            if name == "area":
                data[name] = look.area(_text(cell))
            elif name == "operator":
                data[name] = look.operator(_text(cell))
            else:
                data[name] = _typed(name, cell)
        except ValueError as exc:
            msgs.append(f"{LABELS[name]}: {exc}")
            failed.add(name)
    return data


def _rooms(data: dict[str, Any], msgs: list[str]) -> list[dict[str, Any]]:
    rooms = []
    for cat, beds_f, occ_f in (("general", "general_beds", "occupied_general"),
                               ("nursing", "nursing_beds", "occupied_nursing")):
        beds, occ = data.pop(beds_f, 0), data.pop(occ_f, 0)
        if occ > beds:
            msgs.append(_("%(label)s (%(occ)d) is more than %(beds_label)s (%(beds)d).")
                        % {"label": LABELS[occ_f], "occ": occ, "beds_label": LABELS[beds_f],
                           "beds": beds})
        elif beds:
            rooms.append({"label": _("general") if cat == "general" else _("nursing"),
                          "bed_category": cat, "beds": beds, "occupied": occ})
    return rooms


def validate_rows(actor: Any, rows: list[tuple[int, dict[str, Any]]], *, today: dt.date
                  ) -> tuple[list[tuple[dict, list]], list[RowError]]:
    """Typed (data, rooms) per row, and every row's errors; no database writes."""
    look = Lookups(actor)
    good, errors, seen = [], [], {}
    existing = set(Facility.objects.values_list("name", "area_id"))
    for row_no, raw in rows:
        msgs: list[str] = []
        failed: set[str] = set()
        data = _row_data(raw, look, msgs, failed)
        rooms = _rooms(data, msgs)
        for fname, fmsgs in clean_facility(data, today=today).items():
            if fname not in failed:  # "required" after "unknown value" says nothing new
                msgs += [f"{LABELS.get(fname, fname)}: {m}" for m in fmsgs]
        key = (data.get("name"), getattr(data.get("area"), "pk", None))
        if key in existing:
            msgs.append(_("This facility is already registered in this area."))
        elif key in seen:
            msgs.append(_("Same name and area as row %(row)d.") % {"row": seen[key]})
        seen.setdefault(key, row_no)
        if msgs:
            errors.append(RowError(row_no, msgs))
        good.append((data, rooms))
    return good, errors


def facility_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Validate every row; import all of them, or none when any row has an error."""
    require(actor, "facility.import")
    rows = read_rows(upload)
    good, errors = validate_rows(actor, rows, today=timezone.localdate())
    result = ImportResult(rows=len(rows), errors=errors)
    if errors:
        return result
    with transaction.atomic():
        for data, rooms in good:
            result.created.append(facility_create(actor=actor, data=data, rooms=rooms))
        audit(actor=actor, action="facility.import", entity="facilities.facility",
              entity_id="", after={"rows": len(rows)})
    return result
