"""Excel import of an existing facility inventory, a spec on the import kernel
(``core.imports``): every row is checked first; any error and nothing is written, the page
lists every error with its Excel row number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anlao.accounts.models import Organisation
from anlao.areas.models import Area
from anlao.core.audit import audit
from anlao.core.imports import (
    Column,
    ImportSpec,
    Row,
    RowMessages,
    cell_text,
    import_all_or_nothing,
)
from anlao.core.scoping import area_in_scope
from anlao.facilities.models import Facility, FacilityType, MedicalSetup, OperationMode
from anlao.facilities.services import facility_create
from anlao.facilities.validation import clean_facility

COLUMNS: tuple[Column, ...] = (
    Column("name", "机构名称", "Name", True, label=pgettext_lazy("of a place", "Name")),
    Column("type", "机构类型", "Type", True, label=gettext_lazy("Type")),
    Column("operator", "运营机构", "Operator", True, label=gettext_lazy("Operator")),
    Column("operation_mode", "运营方式", "Operation mode", False,
           label=gettext_lazy("Operation mode")),
    Column("area", "所在社区或街道", "Area", True, label=gettext_lazy("Area")),
    Column("address", "地址", "Address", False, label=gettext_lazy("Address")),
    Column("lat", "纬度", "Latitude", False, label=gettext_lazy("Latitude")),
    Column("lng", "经度", "Longitude", False, label=gettext_lazy("Longitude")),
    Column("floor_space_m2", "建筑面积", "Floor space", False, label=gettext_lazy("Floor space")),
    Column("opened_on", "开业日期", "Opening date", False, label=gettext_lazy("Opening date")),
    Column("licence_number", "许可或备案号", "Licence number", False,
           label=gettext_lazy("Licence or filing number")),
    Column("star_rating", "星级", "Star rating", False, label=gettext_lazy("Star rating")),
    Column("star_rated_on", "评星日期", "Star rating date", False,
           label=gettext_lazy("Star rating date")),
    Column("insurance_policy", "责任险保单号", "Insurance policy", False,
           label=gettext_lazy("Liability insurance policy")),
    Column("insurance_expires_on", "责任险到期日", "Insurance expiry", False,
           label=gettext_lazy("Insurance expiry")),
    Column("medical_setup", "医疗配置", "Medical set-up", False,
           label=gettext_lazy("Medical set-up")),
    Column("medical_partner", "合作医疗机构", "Medical institution", False,
           label=gettext_lazy("Medical institution")),
    Column("general_beds", "普通床位", "General beds", False, label=gettext_lazy("General beds")),
    Column("nursing_beds", "护理型床位", "Nursing beds", False, label=gettext_lazy("Nursing beds")),
    Column("occupied_general", "普通床位在住", "Occupied general", False,
           label=gettext_lazy("Occupied general beds")),
    Column("occupied_nursing", "护理床位在住", "Occupied nursing", False,
           label=gettext_lazy("Occupied nursing beds")),
    Column("full_time_staff", "专职人员数", "Full-time staff", False,
           label=gettext_lazy("Full-time staff")),
    Column("purchased_service_elders", "购买服务老人数", "Purchased-service elders", False,
           label=gettext_lazy("Elders with purchased services")),
    Column("older_share_percent", "60岁以上人口占比", "Share aged 60+", False,
           label=gettext_lazy("Share aged 60+ (%)")),
)
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
class ImportResult:
    rows: int = 0
    created: list[Facility] = field(default_factory=list)
    errors: list[RowMessages] = field(default_factory=list)


def _typed(name: str, raw: Any) -> Any:
    """One cell as the model wants it; raises ValueError with a message for the user."""
    text = cell_text(raw)
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


ROOM_FIELDS = ("general_beds", "nursing_beds", "occupied_general", "occupied_nursing")


def _row_data(row: Row, look: Lookups, failed: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in row.values.items():
        text = cell_text(cell)
        if text == "" and not isinstance(cell, dt.date):
            continue
        try:
            if name == "area":
                data[name] = look.area(text)
            elif name == "operator":
                data[name] = look.operator(text)
            else:
                data[name] = _typed(name, cell)
        except ValueError as exc:
            row.error(name, str(exc))
            failed.add(name)
    return data


def _rooms(data: dict[str, Any], row: Row, labels: dict[str, Any]) -> list[dict[str, Any]]:
    rooms = []
    for cat, beds_f, occ_f in (("general", "general_beds", "occupied_general"),
                               ("nursing", "nursing_beds", "occupied_nursing")):
        beds, occ = data.pop(beds_f, 0), data.pop(occ_f, 0)
        if occ > beds:
            row.error("", _("%(label)s (%(occ)d) is more than %(beds_label)s (%(beds)d).")
                      % {"label": labels[occ_f], "occ": occ, "beds_label": labels[beds_f],
                         "beds": beds})
        elif beds:
            rooms.append({"label": _("general") if cat == "general" else _("nursing"),
                          "bed_category": cat, "beds": beds, "occupied": occ})
    return rooms


class FacilityImportSpec(ImportSpec[tuple[dict[str, Any], list[dict[str, Any]]]]):
    """A facility row: typed cells, rooms from the bed columns, ``clean_facility``, and no
    second facility of one name in one area (in the file or already registered)."""

    columns = COLUMNS
    permission = "facility.import"

    def prepare(self, rows: list[Row]) -> None:
        self.look = Lookups(self.actor)
        self.existing = set(Facility.objects.values_list("name", "area_id"))
        self.seen: dict[tuple[Any, Any], int] = {}

    def check_row(self, row: Row) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        failed: set[str] = set()
        data = _row_data(row, self.look, failed)
        rooms = _rooms(data, row, self.labels)
        for fname, fmsgs in clean_facility(data, today=self.today).items():
            if fname not in failed:  # "required" after "unknown value" says nothing new
                for message in fmsgs:
                    row.error(fname, message)
        key = (data.get("name"), getattr(data.get("area"), "pk", None))
        if key in self.existing:
            row.error("", _("This facility is already registered in this area."))
        elif key in self.seen:
            row.error("", _("Same name and area as row %(row)d.") % {"row": self.seen[key]})
        self.seen.setdefault(key, row.number)
        return data, rooms

    def write(self, values: list[tuple[dict[str, Any], list[dict[str, Any]]]]
              ) -> list[Facility]:
        created = [facility_create(actor=self.actor, data=data, rooms=rooms)
                   for data, rooms in values]
        audit(actor=self.actor, action="facility.import", entity="facilities.facility",
              entity_id="", after={"rows": len(values)})
        return created


def facility_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Validate every row; import all of them, or none when any row has an error."""
    spec = FacilityImportSpec(actor, today=timezone.localdate())
    report = import_all_or_nothing(spec, upload)
    return ImportResult(rows=report.rows, created=report.written,
                        errors=report.by_row(spec.labels))
