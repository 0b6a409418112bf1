"""Excel import of the registry: read the workbook, validate every row, then import or cancel.

The registry's spec on the import kernel (``core.imports``), with one difference from the
other imports: the checked file is kept as a batch, and the user then imports its valid rows
or cancels. Nothing reaches the registry before the user has seen the whole file's errors.
Validation uses ``clean_elder`` (the form's and the API's validator) row by row, plus the
checks that need the whole file or the database in bulk: duplicates within the file, and
active elders already holding an ID number, asked one query per chunk of IDs. A batch is a
row with a state machine (validated → committed | cancelled | failed); committing claims it
with a conditional update, so a double click or a second tab cannot import twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from anlao.areas.models import Area
from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError
from anlao.core.imports import (
    Column,
    Headers,
    ImportSpec,
    Row,
    Sheet,
    cell_text,
    check_rows,
    read_sheet,
)
from anlao.core.roles import require
from anlao.core.scoping import area_in_scope
from anlao.people.models import Elder, ElderImport, ElderImportStatus, ElderStatus
from anlao.people.validation import AreaIndex, clean_elder

log = logging.getLogger(__name__)

ID_CHUNK = 2000  # IDs per duplicate query: well under SQLite's bound-parameter limit
BATCH_SIZE = 2000
PREVIEW_ERRORS = 200

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


@dataclass
class RowResult:
    """One checked row as a batch stores it: the cells as typed, messages, cleaned values."""

    row: int
    cells: list[str]
    errors: list[str]
    cleaned: dict[str, Any] | None


# --- checking ----------------------------------------------------------------------------

def _jsonable_cleaned(cleaned: dict[str, Any]) -> dict[str, Any]:
    out = dict(cleaned)
    out["birth_date"] = cleaned["birth_date"].isoformat()
    out["residence_area"] = cleaned["residence_area"].pk
    out["hukou_area"] = cleaned["hukou_area"].pk if cleaned["hukou_area"] else None
    return out


class ElderImportSpec(ImportSpec[dict[str, Any]]):
    """A registry row: ``clean_elder`` (the form's and the API's validator), then the checks
    that need the whole file or the database in bulk. A row's value is its cleaned data in
    a form that can be stored as JSON."""

    columns = COLUMNS
    permission = "elder.import"

    def __init__(self, actor: Any, *, today: dt.date, change_reason: str = ""):
        super().__init__(actor, today=today)
        self.change_reason = change_reason

    def prepare(self, rows: list[Row]) -> None:
        self.index = AreaIndex.build(self.actor)

    def check_row(self, row: Row) -> dict[str, Any] | None:
        data = {name: v if isinstance(v, dt.date) else cell_text(v)
                for name, v in row.values.items()}
        cleaned, errors = clean_elder(data, index=self.index, today=self.today)
        for name, msgs in errors.items():
            for message in msgs:
                row.error(name, message)
        if "id_number" in errors and isinstance(row.values.get("id_number"), int | float):
            row.error("", _("The ID number was stored as a number and Excel may have "
                            "rounded it: format the column as text and type it again."))
        return None if errors else _jsonable_cleaned(cleaned)

    def check_file(self, rows: list[Row]) -> None:
        rows_by_id: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            rows_by_id[r.value["id_number"]].append(r)
        for same in rows_by_id.values():
            if len(same) > 1:
                where = ", ".join(str(r.number) for r in same)
                for r in same:
                    r.error("id_number", _("ID number: the same ID number is on rows "
                                           "%(rows)s of this file.") % {"rows": where})
        taken = registered_ids([r.value["id_number"] for r in rows])
        for r in rows:
            if r.value["id_number"] in taken:
                r.error("id_number", _("ID number: an active elder with this ID number is "
                                       "already registered."))

    def write(self, values: list[dict[str, Any]]) -> list[Any]:
        elders = [_elder(v) for v in values]
        bulk_create_with_history(elders, Elder, batch_size=BATCH_SIZE,
                                 default_user=self.actor,
                                 default_change_reason=self.change_reason)
        return elders


def validate_sheet(actor: Any, sheet: Sheet, *, today: dt.date) -> list[RowResult]:
    """Every row's messages; nothing is written."""
    spec = ElderImportSpec(actor, today=today)
    labels = spec.labels
    return [RowResult(row=r.number, cells=[cell_text(v) for v in r.cells],
                      errors=r.messages(labels), cleaned=r.value)
            for r in check_rows(spec, sheet)]


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
    sheet = read_sheet(upload, Headers(COLUMNS))
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
    spec = ElderImportSpec(actor, today=timezone.localdate(),
                           change_reason=f"import #{batch.pk}")
    elders = spec.write([r.cleaned for r in valid if not r.errors])
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
