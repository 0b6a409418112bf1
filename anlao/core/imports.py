"""The Excel import kernel: find the header, check every row, then write all rows or none.

An import is a spec (``ImportSpec``): its columns, a check of one row, optional checks across
the file, and a writer. The kernel reads the first sheet (the header may sit in any of the
first rows, in Chinese or English, with aliases, decorations and full-width characters),
numbers rows as Excel does, collects every row's errors, and writes nothing unless no row
has one. Cells are read as values (``data_only``): a formula's cached result, never the
formula, so an upload cannot make the server evaluate anything. Before openpyxl sees the file,
its zip is unpacked as a stream and measured (``check_archive``): a few hundred KiB can
inflate into one cell of hundreds of MB, which the parser would hold in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from anlao.core.errors import ServiceError
from anlao.core.roles import require

T = TypeVar("T")
HEADER_SCAN_ROWS = 5


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: Any = None  # translated label for messages


class ImportRejected(ServiceError):
    """The file as a whole cannot be checked (not xlsx, no headers, empty, too big)."""

    code = "import_rejected"


class NotAWorkbook(ImportRejected):
    pass


class MissingColumns(ImportRejected):
    def __init__(self, message: str, missing: list[Column]):
        super().__init__(message)
        self.missing = missing


class TooManyRows(ImportRejected):
    pass


class NoRows(ImportRejected):
    pass


class TooLarge(ImportRejected):
    pass


# --- headers -----------------------------------------------------------------------------

def normalise_header(value: Any) -> str:
    """``"居住社区（名称或代码）*"`` → ``"居住社区"``; ``"ＩＤ Number"`` → ``"idnumber"``."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[(].*?[)]", "", text)
    return re.sub(r"[\s*:_\-/]", "", text).lower()


class Headers:
    """Header text → column: each column's Chinese and English name, field and aliases.
    With ``first_word``, a header whose first word names a column matches it too
    (``"B.1.1 进食"``)."""

    def __init__(self, columns: Sequence[Column], *, first_word: bool = False):
        self.columns = tuple(columns)
        self.first_word = first_word
        self.keys: dict[str, str] = {}
        for col in self.columns:
            for name in (col.zh, col.en, col.field, *col.aliases):
                self.keys[normalise_header(name)] = col.field

    def field(self, value: Any) -> str | None:
        found = self.keys.get(normalise_header(value))
        if found is None and self.first_word:
            words = str(value or "").split()
            found = self.keys.get(normalise_header(words[0])) if words else None
        return found

    def mapping(self, cells: Iterable[Any]) -> dict[int, str]:
        """Column index → field; a column named twice counts where it first appears."""
        out: dict[int, str] = {}
        for i, value in enumerate(cells):
            name = self.field(value)
            if name and name not in out.values():
                out[i] = name
        return out

    def missing(self, mapping: Mapping[int, str]) -> list[Column]:
        return [c for c in self.columns if c.required and c.field not in mapping.values()]


# --- reading -----------------------------------------------------------------------------

@dataclass
class Sheet:
    header: list[str]
    mapping: dict[int, str]  # column index → field
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row, cells)

    def values(self, cells: Sequence[Any]) -> dict[str, Any]:
        return {f: cells[i] if i < len(cells) else None for i, f in self.mapping.items()}


def cell_text(value: Any) -> str:
    """A cell as the user typed it: dates in ISO form, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(cells: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


CHUNK = 1 << 16


def _too_large() -> TooLarge:
    return TooLarge(_("The file unpacks to more than %(mb)s MB; split it into smaller files.")
                    % {"mb": settings.IMPORT_MAX_UNZIPPED_MB})


def _longest_text(chunk: bytes, run: int) -> int:
    """The running length of text since the last ``<`` after ``chunk``; raises when any
    stretch between two tags is longer than a cell may be."""
    parts = chunk.split(b"<")
    runs = [run + len(parts[0]), *(len(p) for p in parts[1:])]
    if max(runs) > settings.IMPORT_MAX_CELL_BYTES:
        raise TooLarge(_("A cell of the file is longer than Excel allows (%(limit)s "
                         "characters); check the file.") % {"limit": 32_767})
    return runs[-1]


def _measure(book: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, limit: int) -> int:
    scan = info.filename.endswith((".xml", ".rels"))
    run = 0
    with book.open(info) as member:
        while chunk := member.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise _too_large()
            if scan:
                run = _longest_text(chunk, run)
    return total


def check_archive(upload: IO[bytes] | str) -> None:
    """Refuse an .xlsx whose members unpack to more than ``IMPORT_MAX_UNZIPPED_MB`` or hold a
    text longer than ``IMPORT_MAX_CELL_BYTES``, counting the bytes actually unpacked (the
    sizes a zip declares can lie). Memory stays at one chunk. A file that is no zip passes
    through: ``load_workbook`` says it is not a workbook."""
    limit = settings.IMPORT_MAX_UNZIPPED_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(upload) as book:
            if sum(i.file_size for i in book.infolist()) > limit:
                raise _too_large()
            total = 0
            for info in book.infolist():
                total = _measure(book, info, total, limit)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            zlib.error):
        pass  # not a zip, or a broken one: load_workbook says it is not a workbook
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)


def _open_rows(upload: IO[bytes] | str) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    check_archive(upload)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError on a broken zip
        raise NotAWorkbook(_("This is not an Excel .xlsx file. Save it as .xlsx (Excel "
                             "workbook) and upload again.")) from exc
    return book.worksheets[0].iter_rows(values_only=True)


def read_sheet(upload: IO[bytes] | str, headers: Headers, *, max_rows: int | None = None) -> Sheet:
    """The first sheet's header (the first of its first rows that has every required
    column) and every non-blank row under it, with its Excel row number."""
    limit = max_rows or settings.IMPORT_MAX_ROWS
    sheet, best = None, None
    for row_no, cells in enumerate(_open_rows(upload), start=1):
        if sheet is not None:
            _take_row(sheet, headers, row_no, cells, limit)
            continue
        mapping = headers.mapping(cells)
        if not headers.missing(mapping):
            sheet = Sheet(header=[cell_text(v) for v in cells], mapping=mapping)
        elif best is None or len(mapping) > len(best):
            best = mapping
        if sheet is None and row_no >= HEADER_SCAN_ROWS:
            break
    if sheet is None:
        missing = headers.missing(best or {})
        names = "、".join(f"{c.zh} ({c.en})" for c in missing)
        raise MissingColumns(_("The file does not have the template's column headers; "
                               "missing: %(columns)s. Download the template and copy your "
                               "rows into it.") % {"columns": names}, missing)
    if not sheet.rows:
        raise NoRows(_("The file has no data rows under the headers."))
    return sheet


def _take_row(sheet: Sheet, headers: Headers, row_no: int, cells: tuple[Any, ...],
              limit: int) -> None:
    # Blank rows are skipped, not counted; a sheet padded with a million of them still stops.
    if is_blank(cells) and row_no <= 2 * limit + HEADER_SCAN_ROWS:
        return
    # The template's second header row (English) is not data.
    if not sheet.rows and len(headers.mapping(cells)) >= max(2, len(sheet.mapping) // 2):
        return
    if len(sheet.rows) >= limit or row_no > 2 * limit + HEADER_SCAN_ROWS:
        raise TooManyRows(_("The file has more than %(limit)s rows; split it into smaller "
                            "files.") % {"limit": limit})
    sheet.rows.append((row_no, list(cells)))


# --- checking ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number; 0 for the file as a whole
    column: str  # a field, or "" for a message about the whole row
    message: str

    @property
    def messages(self) -> list[str]:
        return [self.message]


@dataclass
class RowMessages:
    """One row's messages, each already naming its column: how a page lists a row."""

    row: int
    messages: list[str]


def labelled(label: Any, message: str) -> str:
    """``"Phone: not a number"``; no prefix when the message already names its column."""
    text = str(label or "")
    return message if not text or message.lower().startswith(text.lower()) \
        else f"{text}: {message}"


@dataclass
class Row:
    """One data row being checked; errors are collected, not raised."""

    number: int
    cells: list[Any]
    values: dict[str, Any]  # field → raw cell
    errors: list[RowError] = field(default_factory=list)
    value: Any = None  # what the spec made of it, when it has no error

    def text(self, name: str) -> str:
        return cell_text(self.values.get(name))

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def messages(self, labels: Mapping[str, Any]) -> list[str]:
        return [labelled(labels.get(e.column, e.column), e.message) for e in self.errors]


class ImportSpec(Generic[T]):
    """One kind of import. Subclasses name their columns and permission and implement
    ``check_row`` and ``write``; ``prepare`` and ``check_file`` are optional."""

    columns: tuple[Column, ...] = ()
    permission = ""
    first_word = False  # see Headers
    max_rows: int | None = None  # None: settings.IMPORT_MAX_ROWS

    def __init__(self, actor: Any, *, today: dt.date):
        self.actor, self.today = actor, today
        self.headers = Headers(self.columns, first_word=self.first_word)

    @property
    def labels(self) -> dict[str, Any]:
        return {c.field: c.label or c.field for c in self.columns}

    def prepare(self, rows: list[Row]) -> None:
        """Bulk look-ups for the whole file, before any row is checked."""

    def check_row(self, row: Row) -> T | None:
        raise NotImplementedError

    def check_file(self, rows: list[Row]) -> None:
        """Checks across rows, given the rows that passed on their own, in order."""

    def write(self, values: list[T]) -> list[Any]:
        raise NotImplementedError


def check_rows(spec: ImportSpec[T], sheet: Sheet) -> list[Row]:
    """Every row checked; a row's ``value`` is set only when it has no error. No writes."""
    rows = [Row(number, cells, sheet.values(cells)) for number, cells in sheet.rows]
    spec.prepare(rows)
    for row in rows:
        value = spec.check_row(row)
        row.value = None if row.failed else value
    spec.check_file([r for r in rows if not r.failed])
    for row in rows:
        if row.failed:
            row.value = None
    return rows


@dataclass
class ImportReport:
    rows: int = 0  # data rows in the file
    errors: list[RowError] = field(default_factory=list)
    written: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_row(self, labels: Mapping[str, Any]) -> list[RowMessages]:
        out: dict[int, RowMessages] = {}
        for e in self.errors:
            out.setdefault(e.row, RowMessages(e.row, [])).messages.append(
                labelled(labels.get(e.column, e.column), e.message))
        return list(out.values())


def import_all_or_nothing(spec: ImportSpec[T], upload: IO[bytes] | str, *,
                          dry_run: bool = False) -> ImportReport:
    """Check every row; write them all, in one transaction, only when none has an error.
    A file that cannot be read raises ``ImportRejected``."""
    require(spec.actor, spec.permission)
    sheet = read_sheet(upload, spec.headers, max_rows=spec.max_rows)
    rows = check_rows(spec, sheet)
    errors = sorted((e for r in rows for e in r.errors), key=lambda e: e.row)
    report = ImportReport(rows=len(rows), errors=errors)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        report.written = spec.write([r.value for r in rows])
    return report
