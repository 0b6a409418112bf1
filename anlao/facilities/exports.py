"""Excel export of the facilities in scope, in the import template's columns (so an export
can be edited and imported elsewhere), plus free beds and compliance findings."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from anlao.core.xlsx import safe_row, workbook_bytes, write_header
from anlao.facilities.imports import CHOICE_ZH, COLUMNS
from anlao.facilities.models import STANDING, BedCategory, ComplianceFinding, Facility

EXTRA = (("空余床位", "Free beds"), ("合规问题", "Compliance findings"))


def _zh(field: str, value: str) -> str:
    """Choice codes back to the Chinese names the import accepts."""
    back = {v: k for k, v in CHOICE_ZH.get(field, {}).items()}
    return back.get(value, value)


def _row(f: Facility) -> list[Any]:
    beds = {"general_beds": 0, "nursing_beds": 0, "occupied_general": 0,
            "occupied_nursing": 0}
    for r in f.rooms.all():
        cat = "nursing" if r.bed_category == BedCategory.NURSING else "general"
        beds[f"{cat}_beds"] += r.beds
        beds[f"occupied_{cat}"] += r.occupied
    out: list[Any] = []
    for c in COLUMNS:
        if c.field in beds:
            out.append(beds[c.field])
        elif c.field == "area":
            out.append(f.area.code)
        elif c.field == "operator":
            out.append(f.operator.name)
        elif c.field in CHOICE_ZH:
            out.append(_zh(c.field, getattr(f, c.field)))
        else:
            value = getattr(f, c.field)
            out.append(float(value) if c.field in ("floor_space_m2", "older_share_percent")
                       and value is not None else value)
    free = beds["general_beds"] + beds["nursing_beds"] - beds["occupied_general"] \
        - beds["occupied_nursing"]
    out += [free, "；".join(x.text for x in f.findings.all())]
    return out


def workbook(qs: QuerySet[Facility] | None) -> bytes:
    """An .xlsx with a Chinese and an English header row; ``qs=None`` gives the template."""
    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Facilities")[:31]
    write_header(sheet, COLUMNS, extra=EXTRA if qs is not None else ())
    standing = Prefetch("findings", ComplianceFinding.objects.filter(STANDING))
    for f in (qs.select_related("area", "operator").prefetch_related("rooms", standing)
              if qs is not None else []):
        sheet.append(safe_row(sheet, _row(f)))
    for i, _c in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 14
    return workbook_bytes(book)
