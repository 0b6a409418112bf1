"""Workbooks handed out: a template's header rows and notes, cells that stay text, bytes.

Every export writes its rows through ``safe_row`` (or ``append``), the one place that
neutralises formula injection: text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written as a text cell with Excel's quote prefix, so a name or an
uploaded cell such as ``=HYPERLINK(…)`` is shown, never evaluated (not even after the reader
edits the cell). The value itself is kept as it was. A formula the export means to write is
wrapped in ``Formula``. ``csv_row`` does the same for CSV files, where a cell has no type:
there a leading apostrophe marks the text (numbers such as ``-12.50`` are left alone).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill

if TYPE_CHECKING:
    from anlao.core.imports import Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD_FILL = PatternFill("solid", fgColor="F3E3E0")


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Formula(str):
    """A formula the export itself writes (``Formula("=SUM(I2:I9)")``): left live."""


def looks_like_formula(value: Any) -> bool:
    return (isinstance(value, str) and not isinstance(value, Formula)
            and value.startswith(FORMULA_STARTS))


def safe_cell(sheet: Any, value: Any) -> Cell:
    """A cell for ``sheet.append`` (any sheet, write-only too) that holds ``value``; text
    that looks like a formula is typed as text with the quote prefix, so Excel shows it and
    never evaluates it."""
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """``values`` for ``sheet.append``, with formula-looking text made into text cells."""
    return [safe_cell(sheet, v) if looks_like_formula(v) else v for v in values]


def append(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, neutralised."""
    sheet.append(safe_row(sheet, values))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row with formula-looking text prefixed by an apostrophe (numbers kept)."""
    return [f"'{v}" if looks_like_formula(v) and not _number(v) else v for v in values]


def write_header(sheet: Any, columns: Sequence[Column], *, english: bool = True,
                 mark_required: bool = True, extra: Sequence[tuple[str, str]] = ()) -> None:
    """The template's header: Chinese names (``*`` on required ones), then English names;
    ``extra`` adds (Chinese, English) columns that only an export carries."""
    zh = [c.zh + ("*" if mark_required and c.required else "") for c in columns]
    sheet.append(zh + [z for z, _e in extra])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    if english:
        sheet.append([c.en for c in columns] + [e for _z, e in extra])
        for cell in sheet[2]:
            cell.font, cell.fill = Font(italic=True, color="666666"), HEAD_FILL
    sheet.freeze_panes = "A3" if english else "A2"


def template(columns: Sequence[Column], *, title: str, english: bool = True,
             mark_required: bool = True,
             notes: Sequence[tuple[str, bool]] = ()) -> Workbook:
    """An empty import template: the header on the first sheet, and ``notes`` — lines of
    (text, bold) — on a sheet of their own."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_header(sheet, columns, english=english, mark_required=mark_required)
    if notes:
        sheet = book.create_sheet("填写说明")
        sheet.column_dimensions["A"].width = 110
        for text, bold in notes:
            sheet.append(safe_row(sheet, [text]))
            sheet.cell(sheet.max_row, 1).font = Font(bold=bold)
    return book
