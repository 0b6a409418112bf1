"""Workbooks the registry hands out: the import template, an import's report, and the export
of the filtered list (masked, scoped, audited)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from anlao.areas.selectors import communities_for
from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.masking import mask_id_number, mask_phone
from anlao.core.roles import require
from anlao.core.xlsx import HEAD_FILL, safe_cell, safe_row, template, workbook_bytes
from anlao.people.idnumbers import age_on
from anlao.people.imports import COLUMNS, unpack
from anlao.people.models import (
    CATEGORY_FIELDS,
    CATEGORY_LABELS,
    ElderImport,
    ElderStatus,
    LivingSituation,
    Sex,
)
from anlao.people.selectors import ElderFilters, elders_for

ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
TEMPLATE_ROWS = 5000  # rows that carry the drop-down lists and text format
DATA_SHEET = "老年人名册"

INSTRUCTIONS = (
    ("填写说明 / How to fill in", True),
    ("1. 在“老年人名册”工作表中从第 3 行开始填写，每行一位老年人；不要修改前两行表头。", False),
    ("   Fill in the sheet 老年人名册 from row 3, one elder per row; keep the two header rows.",
     False),
    ("2. 带 * 的列必填：姓名、身份证号、居住社区。", False),
    ("   Columns marked * are required: name, ID number, residence community.", False),
    ("3. 身份证号为 18 位（15 位旧号自动升位）；请保持“文本”格式，否则 Excel 会把后几位变成 0。",
     False),
    ("   ID numbers: 18 characters (15-digit legacy numbers are converted). Keep the column as "
     "text, or Excel rounds the last digits.", False),
    ("4. 出生日期、性别可不填；填写时须与身份证号一致。日期格式 YYYY-MM-DD。", False),
    ("   Birth date and sex are optional; when given they must match the ID number.", False),
    ("5. 居住社区填写社区名称或 12 位区划代码（见“社区代码”工作表），且须在您的管辖范围内。",
     False),
    ("   Residence community: name or 12-digit code (sheet 社区代码), inside your jurisdiction.",
     False),
    ("6. 居住状况：独居 / 空巢 / 孤寡 / 与家人同住（不填视为与家人同住）。", False),
    ("7. 特困、低保、低边、失独、重点优抚对象：填“是”或“否”（不填视为否）。"
     "低保与低边不能同时为是。", False),
    ("8. 残疾等级：1–4 级，无残疾不填。", False),
    ("9. 上传后系统先校验全部行，不写入任何数据；您查看错误报告后，可选择“导入有效行”或“取消”。",
     False),
    ("   After upload every row is checked and nothing is written until you choose "
     "'import the valid rows' or 'cancel'.", False),
    ("", False),
    ("示例 / Example", True),
    ("姓名: 王秀英 | 身份证号: 330105194003050022 | 居住社区: 330105001001 | "
     "居住状况: 独居 | 低保: 是", False),
)


# --- the template ------------------------------------------------------------------------

def import_template(*, actor: Any) -> bytes:
    """The empty template, with the actor's communities listed for the drop-down."""
    require(actor, "elder.import")
    book = template(COLUMNS, title=DATA_SHEET, notes=INSTRUCTIONS)
    sheet = book.active
    _template_columns(sheet)
    communities = list(communities_for(actor=actor).select_related("parent"))
    _template_validations(sheet, len(communities))
    _communities_sheet(book.create_sheet("社区代码", 1), communities)
    return workbook_bytes(book)


def _column_letter(field: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.field == field))


def _template_columns(sheet: Any) -> None:
    widths = {"name": 10, "id_number": 21, "birth_date": 12, "phone": 14, "residence_area": 18,
              "hukou_area": 14, "address": 28, "living_situation": 12, "note": 20}
    for c in COLUMNS:
        sheet.column_dimensions[_column_letter(c.field)].width = widths.get(c.field, 10)
    # Text, so Excel does not turn an 18-digit ID or a phone into a rounded number.
    for field in ("id_number", "phone", "residence_area"):
        letter = _column_letter(field)
        for row in range(3, TEMPLATE_ROWS + 3):
            sheet[f"{letter}{row}"].number_format = "@"


def _list_validation(sheet: Any, formula: str, fields: list[str], strict: bool = True) -> None:
    check = DataValidation(type="list", formula1=formula, allow_blank=True,
                           showErrorMessage=strict)
    for field in fields:
        letter = _column_letter(field)
        check.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
    sheet.add_data_validation(check)


def _template_validations(sheet: Any, n_communities: int) -> None:
    _list_validation(sheet, '"男,女"', ["sex"])
    _list_validation(sheet, '"独居,空巢,孤寡,与家人同住"', ["living_situation"])
    _list_validation(sheet, '"是,否"', list(CATEGORY_FIELDS))
    _list_validation(sheet, '"1,2,3,4"', ["disability_grade"])
    if n_communities:
        # Names from the list, but a typed 12-digit code must stay allowed: no error box.
        _list_validation(sheet, f"'社区代码'!$B$2:$B${n_communities + 1}",
                         ["residence_area"], strict=False)


def _communities_sheet(sheet: Any, communities: list[Any]) -> None:
    sheet.append(["代码 / code", "社区 / community", "街道 / street"])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for c in communities:
        sheet.append(safe_row(sheet, [c.code, c.name, c.parent.name if c.parent_id else ""]))
    for letter, width in (("A", 16), ("B", 20), ("C", 16)):
        sheet.column_dimensions[letter].width = width


# --- an import's report ------------------------------------------------------------------

def import_report(batch: ElderImport) -> bytes:
    """The uploaded rows as they were, with the Excel row number and a column of messages."""
    header, results = unpack(batch.payload)
    width = max([len(header)] + [len(r.cells) for r in results])
    book = Workbook(write_only=True)
    sheet = book.create_sheet("校验结果")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 60
    head = ["行号 / row", "错误信息 / errors", *header, *[""] * (width - len(header))]
    sheet.append([_styled(sheet, v, bold=True, fill=HEAD_FILL) for v in head])
    for r in results:
        message = "；".join(r.errors)
        first = [_styled(sheet, r.row), _styled(sheet, message, fill=ERROR_FILL if message
                                                else None, wrap=True)]
        sheet.append(first + safe_row(sheet, r.cells))
    return workbook_bytes(book)


def _styled(sheet: Any, value: Any, *, bold: bool = False, fill: Any = None,
            wrap: bool = False) -> Cell:
    cell = safe_cell(sheet, value)
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


# --- the export of the list --------------------------------------------------------------

EXPORT_FIELDS = (
    "name", "id_number", "sex", "birth_date", "phone", "residence_area__parent__name",
    "residence_area__name", "living_situation", *CATEGORY_FIELDS, "disability_grade",
    "ability_level", "status",
)


def _export_header() -> list[str]:
    return [_("Name"), _("ID number"), _("Sex"), _("Age"), _("Phone"), _("Street"),
            _("Community"), _("Living situation"), _("Categories"), _("Disability grade"),
            _("Ability level"), _("Status")]


def _export_row(values: tuple[Any, ...], today: dt.date, labels: dict[str, Any]) -> list[Any]:
    row = dict(zip(EXPORT_FIELDS, values, strict=True))
    categories = [labels[f] for f in CATEGORY_FIELDS if row[f]]
    if row["disability_grade"]:
        categories.append(labels["disabled"])
    # Age, not the birth date: the birth date is the part the ID mask hides.
    return [row["name"], mask_id_number(row["id_number"]), labels[row["sex"]],
            age_on(row["birth_date"], today), mask_phone(row["phone"]),
            row["residence_area__parent__name"] or "", row["residence_area__name"],
            labels[row["living_situation"]], "、".join(categories),
            row["disability_grade"], row["ability_level"], labels[row["status"]]]


def _labels() -> dict[str, Any]:
    labels: dict[str, Any] = {k: str(v) for k, v in CATEGORY_LABELS.items()}
    for choices in (Sex, LivingSituation, ElderStatus):
        labels.update({c.value: str(c.label) for c in choices})
    return labels


def elders_export(*, actor: Any, filters: ElderFilters,
                  today: dt.date | None = None) -> tuple[IO[bytes], int]:
    """The filtered list as xlsx in a temporary file (rewound), and its row count.

    Masked like the list; only the actor's scope (``elders_for``). Rows stream from the
    database in chunks into openpyxl's write-only mode, so memory stays flat; above
    ``EXPORT_MAX_ROWS`` the export is refused rather than silently cut.
    """
    require(actor, "elder.export")
    today = today or timezone.localdate()
    qs = elders_for(actor=actor, filters=filters, today=today)
    count = qs.count()
    limit = settings.EXPORT_MAX_ROWS
    if count > limit:
        raise ServiceError(_("%(count)s elders match; an export holds at most %(limit)s. "
                             "Narrow the filters (e.g. one street).")
                           % {"count": count, "limit": limit}, code="too_many")
    out = _write_export(qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000), today)
    # A short transaction of its own: on SQLite a write transaction held while the file is
    # written would block every other writer. No audit row, no file.
    with transaction.atomic():
        audit(actor=actor, action="elder.export", entity="people.elder", entity_id="",
              after={"filters": dataclasses.asdict(filters), "rows": count})
    return out, count


def _write_export(rows: Any, today: dt.date) -> IO[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.freeze_panes = "A2"
    for letter, width in (("A", 10), ("B", 21), ("E", 14), ("F", 14), ("G", 16), ("I", 24)):
        sheet.column_dimensions[letter].width = width
    sheet.append([_styled(sheet, v, bold=True, fill=HEAD_FILL) for v in _export_header()])
    labels = _labels()
    for values in rows:
        sheet.append(safe_row(sheet, _export_row(values, today, labels)))
    # Handed to FileResponse, which closes it after streaming.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out
