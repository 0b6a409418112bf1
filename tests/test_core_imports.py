"""The Excel import kernel, with a tiny spec of its own: headers, row numbers, all or nothing,
and cells that look like formulas."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from anlao.core.audit import audit
from anlao.core.imports import (
    Column,
    Headers,
    ImportSpec,
    MissingColumns,
    NotAWorkbook,
    Row,
    TooManyRows,
    check_rows,
    import_all_or_nothing,
    normalise_header,
    read_sheet,
)
from anlao.core.models import AuditLog
from anlao.core.xlsx import safe_row, template, workbook_bytes

COLUMNS = (
    Column("name", "姓名", "Name", True, ("全名",), "Name"),
    Column("count", "数量", "Count", True, ("qty",), "Count"),
    Column("note", "备注", "Note"),
)


class CountSpec(ImportSpec[tuple[str, int]]):
    """A name and a positive whole number per row; written as audit rows."""

    columns = COLUMNS
    permission = "elder.view"

    def __init__(self, actor, *, today=dt.date(2026, 1, 1), fail_after: int | None = None):
        super().__init__(actor, today=today)
        self.fail_after, self.checked = fail_after, []

    def check_row(self, row: Row) -> tuple[str, int] | None:
        self.checked.append(row.number)
        if not row.text("name"):
            row.error("name", "required")
        text = row.text("count")
        if not text.isdigit() or int(text) == 0:
            row.error("count", "not a positive whole number")
            return None
        return row.text("name"), int(text)

    def check_file(self, rows: list[Row]) -> None:
        first: dict[str, int] = {}
        for r in rows:
            if r.value[0] in first:
                r.error("", f"same name as row {first[r.value[0]]}")
            first.setdefault(r.value[0], r.number)

    def write(self, values: list[tuple[str, int]]) -> list[AuditLog]:
        out = []
        for i, (name, count) in enumerate(values):
            if self.fail_after is not None and i == self.fail_after:
                raise RuntimeError("disk full")
            out.append(audit(actor=self.actor, action="test.import", entity="test.count",
                             entity_id=name, after={"count": count}))
        return out


def xlsx(*rows: list) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO(workbook_bytes(book))
    out.name = "x.xlsx"
    return out


# --- headers -----------------------------------------------------------------------------

@pytest.mark.parametrize("header, field", [
    ("姓名", "name"), ("姓名*", "name"), (" 姓 名 ", "name"), ("姓名（必填）", "name"),
    ("姓名(必填)", "name"), ("Name", "name"), ("NAME:", "name"), ("全名", "name"),
    ("ｎａｍｅ", "name"), ("姓名＊", "name"), ("数量：", "count"), ("QTY", "count"),
    ("count", "count"), ("Count/", "count"), ("备注", "note"), ("年龄", None), (None, None),
])
def test_headers_match_names_aliases_and_decorated_or_full_width_forms(header, field):
    assert Headers(COLUMNS).field(header) == field


def test_normalising_drops_brackets_marks_and_width():
    assert normalise_header("居住社区（名称或代码）*") == "居住社区"
    assert normalise_header("ＩＤ　Ｎｕｍｂｅｒ") == "idnumber"


def test_first_word_matching_is_only_for_specs_that_ask_for_it():
    assert Headers(COLUMNS).field("Count of items") is None
    assert Headers(COLUMNS, first_word=True).field("Count of items") == "count"


def test_a_column_named_twice_counts_where_it_first_appears():
    assert Headers(COLUMNS).mapping(["姓名", "Name", "数量"]) == {0: "name", 2: "count"}


# --- reading and row numbers -------------------------------------------------------------

@pytest.mark.django_db
def test_rows_keep_their_excel_numbers_past_a_title_blank_rows_and_an_english_header(world):
    upload = xlsx(["2026 年名册"], ["姓名*", "数量*", "备注"], ["Name", "Count", "Note"],
                  ["甲", 1, ""], [None, None, None], ["乙", 0, ""], ["", 2, ""], ["丙", "x", ""])
    spec = CountSpec(world.worker_a1)
    report = import_all_or_nothing(spec, upload)
    assert spec.checked == [4, 6, 7, 8]
    assert report.rows == 4
    assert [(e.row, e.column) for e in report.errors] == [(6, "count"), (7, "name"), (8, "count")]
    assert [(r.row, r.messages) for r in report.by_row(spec.labels)] == [
        (6, ["Count: not a positive whole number"]), (7, ["Name: required"]),
        (8, ["Count: not a positive whole number"])]


@pytest.mark.django_db
def test_cross_row_checks_see_only_rows_that_passed_alone(world):
    upload = xlsx(["姓名", "数量"], ["甲", 1], ["甲", 0], ["甲", 2])
    report = import_all_or_nothing(CountSpec(world.worker_a1), upload)
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "not a positive whole number"), (4, "same name as row 2")]


@pytest.mark.django_db
def test_a_file_without_the_required_headers_names_what_is_missing(world):
    with pytest.raises(MissingColumns, match="数量") as info:
        import_all_or_nothing(CountSpec(world.worker_a1), xlsx(["姓名", "年龄"], ["甲", 3]))
    assert [c.field for c in info.value.missing] == ["count"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_or_is_too_long_is_rejected(world, settings):
    with pytest.raises(NotAWorkbook):
        import_all_or_nothing(CountSpec(world.worker_a1), io.BytesIO(b"name,count\n"))
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(TooManyRows, match="more than 2"):
        import_all_or_nothing(CountSpec(world.worker_a1),
                              xlsx(["姓名", "数量"], ["甲", 1], ["乙", 1], ["丙", 1]))


# --- all or nothing ----------------------------------------------------------------------

@pytest.mark.django_db
def test_one_bad_row_and_nothing_is_written(world):
    upload = xlsx(["姓名", "数量"], ["甲", 1], ["乙", 2], ["丙", -1])
    report = import_all_or_nothing(CountSpec(world.worker_a1), upload)
    assert not report.ok and report.written == []
    assert not AuditLog.objects.filter(action="test.import").exists()


@pytest.mark.django_db
def test_a_clean_file_is_written_whole_and_a_dry_run_writes_nothing(world):
    rows = (["姓名", "数量"], ["甲", 1], ["乙", 2])
    dry = import_all_or_nothing(CountSpec(world.worker_a1), xlsx(*rows), dry_run=True)
    assert dry.ok and dry.rows == 2 and not AuditLog.objects.filter(action="test.import").exists()
    report = import_all_or_nothing(CountSpec(world.worker_a1), xlsx(*rows))
    assert len(report.written) == 2
    assert sorted(AuditLog.objects.filter(action="test.import")
                  .values_list("entity_id", flat=True)) == ["乙", "甲"]


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing_behind(world):
    upload = xlsx(["姓名", "数量"], ["甲", 1], ["乙", 2], ["丙", 3])
    with pytest.raises(RuntimeError, match="disk full"):
        import_all_or_nothing(CountSpec(world.worker_a1, fail_after=2), upload)
    assert not AuditLog.objects.filter(action="test.import").exists()


@pytest.mark.django_db
def test_the_spec_permission_is_required(world):
    from anlao.core.errors import PermissionDenied

    spec = CountSpec(world.worker_a1)
    spec.permission = "facility.import"
    with pytest.raises(PermissionDenied):
        import_all_or_nothing(spec, xlsx(["姓名", "数量"], ["甲", 1]))


# --- formulas ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_formulas_are_never_evaluated_and_formula_like_text_stays_text(world):
    # A formula openpyxl wrote has no cached result: the import sees an empty cell, not 3.
    # Text that starts with "=" (typed as text) is read as that text.
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "数量"])
    sheet.append(["甲", "=1+2"])
    sheet.append(safe_row(sheet, ['=HYPERLINK("http://x.invalid","点")', 4]))
    upload = io.BytesIO(workbook_bytes(book))
    spec = CountSpec(world.worker_a1)
    report = import_all_or_nothing(spec, upload, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "count")]
    upload.seek(0)
    rows = check_rows(spec, read_sheet(upload, spec.headers))
    assert rows[0].values["count"] is None
    assert rows[1].value == ('=HYPERLINK("http://x.invalid","点")', 4)


def test_workbooks_written_back_keep_formula_like_text_as_text():
    book = template(COLUMNS, title="名册", notes=[("=cmd|' /C calc'!A0", False)])
    sheet = book.active
    sheet.append(safe_row(sheet, ["=1+1", 3, None]))
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))
    data = loaded.worksheets[0]
    assert [c.value for c in data[1]] == ["姓名*", "数量*", "备注"]
    assert [c.value for c in data[2]] == ["Name", "Count", "Note"]
    assert (data["A3"].value, data["A3"].data_type) == ("=1+1", "s")
    notes = loaded["填写说明"]
    assert notes["A1"].data_type == "s"
