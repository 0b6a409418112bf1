"""Excel import of the registry: read the workbook, validate every row, then import or cancel.

Nothing reaches the registry before the user has seen the whole file's errors. Validation
uses ``clean_elder`` (the form's and the API's validator) row by row, plus the checks that need
the whole file or the database in bulk: duplicates within the file, and active elders already
holding an ID number, asked one query per chunk of IDs. A batch is a row with a state machine
(validated → committed | cancelled | failed); committing claims it with a conditional update,
so a double click or a second tab cannot import twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from anlao.areas.models import Area
from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope
from anlao.people.models import Elder, ElderImport, ElderImportStatus, ElderStatus
from anlao.people.validation import AreaIndex, clean_elder

log = logging.getLogger(__name__)

ID_CHUNK = 2000  # IDs per duplicate query: well under SQLite's bound-parameter limit
BATCH_SIZE = 2000
PREVIEW_ERRORS = 200
HEADER_SCAN_ROWS = 5


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: Any = None  # translated label for messages


# The template's columns, in order. Headers are a bilingual file format (Chinese first row,
# English second row); the aliases accept the headers bureaus' own sheets tend to use.
COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", True, (), gettext_lazy("Name")),
    Column("id_number", "身份证号", "ID number", True,
           ("身份证号码", "公民身份号码", "身份证", "id", "idno"), gettext_lazy("ID number")),
    Column("birth_date", "出生日期", "Birth date", False, ("出生年月日", "birthday"),
           gettext_lazy("Birth date")),
    Column("sex", "性别", "Sex", False, ("gender",), gettext_lazy("Sex")),
    Column("phone", "联系电话", "Phone", False, ("电话", "手机", "手机号", "手机号码", "mobile"),
           gettext_lazy("Phone")),
    Column("residence_area", "居住社区", "Residence community", True,
           ("社区", "现居住社区", "所在社区", "community", "residence"),
           gettext_lazy("Residence community")),
    Column("hukou_area", "户籍地", "Hukou area", False, ("户籍所在地", "户籍", "hukou"),
           gettext_lazy("Hukou area")),
    Column("address", "详细地址", "Address", False, ("地址", "居住地址", "现住址"),
           gettext_lazy("Address")),
    Column("living_situation", "居住状况", "Living situation", False, ("居住情况",),
           gettext_lazy("Living situation")),
    Column("extreme_poverty", "特困", "Extreme poverty", False, ("特困人员", "特困供养"),
           gettext_lazy("extreme poverty")),
    Column("dibao", "低保", "Dibao", False, ("低保对象",), gettext_lazy("dibao")),
    Column("near_dibao", "低边", "Near-dibao", False, ("低保边缘", "低边对象"),
           gettext_lazy("near-dibao")),
    Column("bereaved_one_child_family", "失独", "Bereaved one-child family", False,
           ("失独家庭", "计划生育特殊家庭"), gettext_lazy("bereaved one-child family")),
    Column("entitled_veteran", "重点优抚对象", "Entitled veteran", False, ("优抚对象", "优抚"),
           gettext_lazy("entitled veteran")),
    Column("disability_grade", "残疾等级", "Disability grade", False, ("残疾级别",),
           gettext_lazy("Disability grade")),
    Column("note", "备注", "Note", False, ("remarks",), gettext_lazy("Note")),
)
BY_FIELD = {c.field: c for c in COLUMNS}


def normalise_header(value: Any) -> str:
    """``"居住社区（名称或代码）*"`` → ``"居住社区"``; ``"ID Number"`` → ``"idnumber"``."""
    text = re.sub(r"[（(].*?[）)]", "", str(value or ""))
    return re.sub(r"[\s*＊:：_\-/]", "", text).lower()


HEADER_KEYS: dict[str, str] = {}
for _col in COLUMNS:
    for _name in (_col.zh, _col.en, _col.field, *_col.aliases):
        HEADER_KEYS[normalise_header(_name)] = _col.field


class ImportRejected(ServiceError):
    """The file as a whole cannot be validated (not xlsx, no headers, empty, too big)."""

    code = "import_rejected"


@dataclass
class Sheet:
    header: list[str]
    mapping: dict[int, str]  # column index → field
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row, cells)


@dataclass
class RowResult:
    row: int
    cells: list[str]
    errors: list[str]
    cleaned: dict[str, Any] | None


# --- reading -----------------------------------------------------------------------------

def _open_rows(upload: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError on a broken zip
        raise ImportRejected(_("This is not an Excel .xlsx file. Save it as .xlsx (Excel "
                               "workbook) and upload again.")) from exc
    return book.worksheets[0].iter_rows(values_only=True)


def _header_mapping(cells: Iterable[Any]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for i, value in enumerate(cells):
        key = HEADER_KEYS.get(normalise_header(value))
        if key and key not in mapping.values():
            mapping[i] = key
    return mapping


def _missing_required(mapping: dict[int, str]) -> list[Column]:
    return [c for c in COLUMNS if c.required and c.field not in mapping.values()]


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def read_sheet(upload: IO[bytes]) -> Sheet:
    """The first sheet's header (within the first rows) and every non-blank row after it."""
    rows = _open_rows(upload)
    sheet, best = None, None
    for row_no, cells in enumerate(rows, start=1):
        if sheet is None:
            mapping = _header_mapping(cells)
            if not _missing_required(mapping):
                sheet = Sheet(header=[_text(v) for v in cells], mapping=mapping)
            elif best is None or len(mapping) > len(best):
                best = mapping
            if sheet is None and row_no >= HEADER_SCAN_ROWS:
                break
            continue
        _take_row(sheet, row_no, cells)
    if sheet is None:
        missing = "、".join(f"{c.zh} ({c.en})" for c in _missing_required(best or {}))
        raise ImportRejected(_("The file does not have the template's column headers; "
                               "missing: %(columns)s. Download the template and copy your "
                               "rows into it.") % {"columns": missing})
    if not sheet.rows:
        raise ImportRejected(_("The file has no data rows under the headers."))
    return sheet


def _take_row(sheet: Sheet, row_no: int, cells: tuple[Any, ...]) -> None:
    if _is_blank(cells) and row_no <= 2 * settings.IMPORT_MAX_ROWS + HEADER_SCAN_ROWS:
        return
    # The template's second header row (English) is not data.
    if not sheet.rows and len(_header_mapping(cells)) >= max(2, len(sheet.mapping) // 2):
        return
    limit = settings.IMPORT_MAX_ROWS
    # Blank rows are skipped, not counted; a sheet padded with a million of them still stops.
    if len(sheet.rows) >= limit or row_no > 2 * limit + HEADER_SCAN_ROWS:
        raise ImportRejected(_("The file has more than %(limit)s rows; split it into smaller "
                               "files.") % {"limit": limit})
    sheet.rows.append((row_no, list(cells)))


def _text(value: Any) -> str:
    """A cell as the user typed it, for the stored rows and the report."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- validating --------------------------------------------------------------------------

def _row_data(sheet: Sheet, cells: list[Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for i, name in sheet.mapping.items():
        value = cells[i] if i < len(cells) else None
        data[name] = value if isinstance(value, dt.date) else _text(value)
    return data


def _messages(errors: dict[str, list[str]], numeric_id: bool) -> list[str]:
    out = []
    for name, msgs in errors.items():
        column = BY_FIELD.get(name)
        label = str(column.label if column else name)
        # "ID number: ID number check digit is wrong." reads badly: no prefix when the
        # message already names its column.
        out.extend(m if m.lower().startswith(label.lower()) else f"{label}: {m}" for m in msgs)
    if numeric_id and "id_number" in errors:
        out.append(_("The ID number was stored as a number and Excel may have rounded it: "
                     "format the column as text and type it again."))
    return out


def _jsonable_cleaned(cleaned: dict[str, Any]) -> dict[str, Any]:
    out = dict(cleaned)
    out["birth_date"] = cleaned["birth_date"].isoformat()
    out["residence_area"] = cleaned["residence_area"].pk
    out["hukou_area"] = cleaned["hukou_area"].pk if cleaned["hukou_area"] else None
    return out


def validate_sheet(actor: Any, sheet: Sheet, *, today: dt.date) -> list[RowResult]:
    """Every row's messages; nothing is written."""
    index = AreaIndex.build(actor)
    id_col = next((i for i, f in sheet.mapping.items() if f == "id_number"), None)
    results = []
    for row_no, cells in sheet.rows:
        cleaned, errors = clean_elder(_row_data(sheet, cells), index=index, today=today)
        numeric = id_col is not None and id_col < len(cells) and isinstance(
            cells[id_col], int | float)
        results.append(RowResult(
            row=row_no, cells=[_text(v) for v in cells],
            errors=_messages(errors, numeric),
            cleaned=None if errors else _jsonable_cleaned(cleaned),
        ))
    _flag_duplicates_in_file(results)
    _flag_registered(results)
    for r in results:
        if r.errors:
            r.cleaned = None
    return results


def _flag_duplicates_in_file(results: list[RowResult]) -> None:
    rows_by_id: dict[str, list[RowResult]] = defaultdict(list)
    for r in results:
        if r.cleaned:
            rows_by_id[r.cleaned["id_number"]].append(r)
    for same in rows_by_id.values():
        if len(same) > 1:
            where = ", ".join(str(r.row) for r in same)
            for r in same:
                r.errors.append(_("ID number: the same ID number is on rows %(rows)s of this "
                                  "file.") % {"rows": where})


def registered_ids(id_numbers: list[str]) -> set[str]:
    """Those of ``id_numbers`` an active elder already holds: one query per chunk.

    Deliberately not scoped to the actor: the rule is one active record per person city-wide.
    The message says only that the person is registered, not where.
    """
    taken: set[str] = set()
    for start in range(0, len(id_numbers), ID_CHUNK):
        chunk = id_numbers[start:start + ID_CHUNK]
        taken.update(Elder.objects.filter(id_number__in=chunk, status=ElderStatus.ACTIVE)
                     .values_list("id_number", flat=True))
    return taken


def _flag_registered(results: list[RowResult]) -> None:
    taken = registered_ids([r.cleaned["id_number"] for r in results if r.cleaned])
    for r in results:
        if r.cleaned and r.cleaned["id_number"] in taken:
            r.errors.append(_("ID number: an active elder with this ID number is already "
                              "registered."))


# --- stored batches ----------------------------------------------------------------------

def pack(header: list[str], results: list[RowResult]) -> bytes:
    rows = [[r.row, r.cells, r.errors, r.cleaned] for r in results]
    data = json.dumps({"header": header, "rows": rows}, ensure_ascii=False,
                      separators=(",", ":"))
    return zlib.compress(data.encode(), 1)


def unpack(payload: bytes | memoryview | None) -> tuple[list[str], list[RowResult]]:
    if not payload:
        return [], []
    data = json.loads(zlib.decompress(bytes(payload)))
    return data["header"], [RowResult(*row) for row in data["rows"]]


def elder_import_get(*, actor: Any, batch_id: int, with_rows: bool = False) -> ElderImport:
    """A batch of the actor's own; anyone else's is ``NotFound``."""
    require(actor, "elder.import")
    qs = ElderImport.objects.filter(uploaded_by_id=actor.pk)
    if not with_rows:
        qs = qs.defer("payload")
    batch = qs.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such import."))
    return batch


def elder_imports_recent(*, actor: Any, limit: int = 10) -> list[ElderImport]:
    require(actor, "elder.import")
    return list(ElderImport.objects.filter(uploaded_by_id=actor.pk).defer("payload")[:limit])


def _counts(batch: ElderImport) -> dict[str, Any]:
    return {"batch": batch.pk, "file": batch.file_name, "total": batch.total_rows,
            "valid": batch.valid_rows, "errors": batch.error_rows,
            "imported": batch.imported_rows, "skipped": batch.skipped_rows}


def elder_import_validate(*, actor: Any, upload: IO[bytes], file_name: str,
                          today: dt.date | None = None) -> ElderImport:
    """Read and validate the whole workbook and store it as a batch. The registry is
    untouched; a file that cannot be read raises ``ImportRejected`` and stores nothing.

    Reading and validating run outside any transaction: on SQLite (IMMEDIATE mode) a
    transaction around them would hold the write lock for the whole file."""
    require(actor, "elder.import")
    sheet = read_sheet(upload)
    results = validate_sheet(actor, sheet, today=today or timezone.localdate())
    bad = [r for r in results if r.errors]
    with transaction.atomic():
        batch = _store(actor, file_name, sheet.header, results, bad)
    return batch


def _store(actor: Any, file_name: str, header: list[str], results: list[RowResult],
           bad: list[RowResult]) -> ElderImport:
    batch = ElderImport.objects.create(
        uploaded_by=actor, file_name=file_name[:200], total_rows=len(results),
        valid_rows=len(results) - len(bad), error_rows=len(bad),
        error_preview=[[r.row, r.errors] for r in bad[:PREVIEW_ERRORS]],
        payload=pack(header, results),
    )
    audit(actor=actor, action="elder.import.validate", obj=batch, after=_counts(batch))
    return batch


@transaction.atomic
def elder_import_cancel(*, actor: Any, batch_id: int) -> ElderImport:
    """Drop a validated batch; its rows (personal data) are deleted with it."""
    batch = elder_import_get(actor=actor, batch_id=batch_id)
    claimed = ElderImport.objects.filter(pk=batch.pk, status=ElderImportStatus.VALIDATED).update(
        status=ElderImportStatus.CANCELLED, payload=None, error_preview=[],
        updated_at=timezone.now())
    if claimed != 1:
        raise ServiceError(_("This import was already imported or cancelled."), code="conflict")
    audit(actor=actor, action="elder.import.cancel", obj=batch, after=_counts(batch))
    batch.refresh_from_db()
    return batch


def elder_import_commit(*, actor: Any, batch_id: int) -> ElderImport:
    """Import the batch's valid rows in one transaction, exactly once.

    The claim (validated → committed) is the transaction's first write: a second commit
    waits on that row and then finds nothing to claim; a rollback returns the batch to
    validated, and a crash leaves it there, so there is no stuck "committing" state. Any
    failure writes nothing to the registry and marks the batch failed with the message.
    """
    batch = elder_import_get(actor=actor, batch_id=batch_id)
    if batch.status == ElderImportStatus.VALIDATED and not batch.valid_rows:
        raise ServiceError(_("There are no valid rows to import."))
    try:
        with transaction.atomic():
            claimed = ElderImport.objects.filter(
                pk=batch.pk, status=ElderImportStatus.VALIDATED,
            ).update(status=ElderImportStatus.COMMITTED, updated_at=timezone.now())
            if claimed != 1:
                raise ServiceError(_("This import was already imported or cancelled."),
                                   code="conflict")
            _commit_rows(actor, ElderImport.objects.get(pk=batch.pk))
    except ServiceError:
        raise
    except Exception as exc:
        log.exception("elder import %s failed", batch.pk)
        ElderImport.objects.filter(pk=batch.pk, status=ElderImportStatus.VALIDATED).update(
            status=ElderImportStatus.FAILED, message=str(exc)[:2000], updated_at=timezone.now())
        raise ServiceError(_("The import failed and nothing was written: %(error)s")
                           % {"error": exc}, code="import_failed") from exc
    batch.refresh_from_db()
    return batch


def _commit_rows(actor: Any, batch: ElderImport) -> None:
    header, results = unpack(batch.payload)
    valid = [r for r in results if r.cleaned and not r.errors]
    _recheck(actor, valid)
    elders = [_elder(r.cleaned) for r in valid if not r.errors]
    bulk_create_with_history(elders, Elder, batch_size=BATCH_SIZE, default_user=actor,
                             default_change_reason=f"import #{batch.pk}")
    batch.imported_rows = len(elders)
    batch.skipped_rows = len(valid) - len(elders)
    batch.valid_rows = len(elders)
    batch.error_rows = batch.total_rows - len(elders)
    # Keep only the rows not imported (for the report); imported ones live in the registry.
    not_imported = [r for r in results if r.errors]
    batch.payload = pack(header, not_imported)
    batch.error_preview = [[r.row, r.errors] for r in not_imported[:PREVIEW_ERRORS]]
    batch.save(update_fields=["imported_rows", "skipped_rows", "valid_rows", "error_rows",
                              "payload", "error_preview", "updated_at"])
    audit(actor=actor, action="elder.import", obj=batch, after=_counts(batch))


def _recheck(actor: Any, rows: list[RowResult]) -> None:
    """What may have changed since review: registrations, and the actor's jurisdiction."""
    taken = registered_ids([r.cleaned["id_number"] for r in rows])
    areas = Area.objects.in_bulk({r.cleaned["residence_area"] for r in rows})
    allowed = {pk for pk, area in areas.items() if area_in_scope(actor, area)}
    for r in rows:
        if r.cleaned["id_number"] in taken:
            r.errors.append(_("ID number: registered by someone else after this file was "
                              "checked; not imported."))
        elif r.cleaned["residence_area"] not in allowed:
            r.errors.append(_("Residence community: This community is outside your "
                              "jurisdiction."))


def _elder(cleaned: dict[str, Any]) -> Elder:
    data = dict(cleaned)
    data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
    data["residence_area_id"] = data.pop("residence_area")
    data["hukou_area_id"] = data.pop("hukou_area")
    elder = Elder(**data)
    # bulk_create skips save(), which derives these.
    elder.id_tail = elder.id_number[-4:]
    elder.phone_tail = elder.phone[-4:] if elder.phone else ""
    return elder
