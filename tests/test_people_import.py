"""The Excel import service: whole-file validation, then commit or cancel, exactly once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.imports import ImportRejected
from anlao.core.models import AuditLog
from anlao.people import imports
from anlao.people.imports import elder_import_commit, elder_import_validate
from anlao.people.models import Elder, ElderImport
from tests.personas import TODAY, make_elder, make_id_number

ZH = ["姓名*", "身份证号*", "出生日期", "性别", "联系电话", "居住社区*", "户籍地", "详细地址",
      "居住状况", "特困", "低保", "低边", "失独", "重点优抚对象", "残疾等级", "备注"]
EN = ["Name", "ID number", "Birth date", "Sex", "Phone", "Residence community", "Hukou area",
      "Address", "Living situation", "Extreme poverty", "Dibao", "Near-dibao",
      "Bereaved one-child family", "Entitled veteran", "Disability grade", "Note"]
A1 = "330105001001"  # community A1, in street A
B1 = "330105002001"  # community B1, in street B


def workbook(rows: list[list], header: list[list] | None = None) -> io.BytesIO:
    """An .xlsx in memory: the template's two header rows, then ``rows`` from row 3."""
    book = Workbook()
    sheet = book.active
    for line in ZH_EN if header is None else header:
        sheet.append(line)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "名册.xlsx"
    return out


ZH_EN = [ZH, EN]


def person(name: str, seq: int, community: str = A1, birth: dt.date = dt.date(1945, 6, 1),
           **cells) -> list:
    row = dict.fromkeys(EN, None)
    row.update({"Name": name, "ID number": make_id_number(birth, seq=seq),
                "Residence community": community, "Phone": "13900000000"[:-3] + f"{seq:03d}"})
    row.update(cells)
    return [row[h] for h in EN]


def validate(actor, rows, **kw) -> ElderImport:
    return elder_import_validate(actor=actor, upload=workbook(rows, **kw), file_name="名册.xlsx",
                                 today=TODAY)


def errors_by_row(batch: ElderImport) -> dict[int, str]:
    _header, results = imports.unpack(ElderImport.objects.get(pk=batch.pk).payload)
    return {r.row: " | ".join(r.errors) for r in results if r.errors}


@pytest.fixture
def mixed(world):
    """Rows 3 and 13 are good; every row between breaks one rule."""
    make_elder(world.community_a1, name="已登记", seq=90)
    registered = make_id_number(dt.date(1940, 3, 5), seq=90, male=False)
    good_id = make_id_number(dt.date(1945, 6, 1), seq=2)
    rows = [
        person("好一", 1),                                                   # 3
        person("校验", 2, **{"ID number": good_id[:-1] + ("0" if good_id[-1] != "0" else "1")}),
        person("生日", 3, **{"Birth date": "1946-01-01"}),                   # 5 mismatch
        person("重复甲", 4),                                                 # 6 dup of 7
        person("重复乙", 4),                                                 # 7
        person("已在册", 5, **{"ID number": registered}),                    # 8 registered
        person("无社区", 6, community="不存在社区"),                         # 9
        person("越界", 7, community=B1),                                     # 10 out of scope
        person("坏日期", 8, **{"Birth date": "1945-13-45"}),                 # 11
        person("", 9),                                                       # 12 no name
        person("好二", 10, **{"Living situation": "独居"}),                  # 13
    ]
    return rows


def test_each_bad_row_is_reported_on_its_excel_row(world, mixed):
    batch = validate(world.worker_a1, mixed)
    errors = errors_by_row(batch)
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "check digit" in errors[4]
    assert "does not match the ID number" in errors[5]
    assert "rows 6, 7" in errors[6] and "rows 6, 7" in errors[7]
    assert "already registered" in errors[8]
    assert "Unknown community" in errors[9]
    assert "outside your jurisdiction" in errors[10]
    assert "Not a valid date" in errors[11]
    assert "Name is required" in errors[12]
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (11, 2, 9)
    assert [row for row, _msgs in batch.error_preview] == [4, 5, 6, 7, 8, 9, 10, 11, 12]


def test_validating_writes_nothing_to_the_registry(world, mixed):
    before = Elder.objects.count()
    validate(world.worker_a1, mixed)
    assert Elder.objects.count() == before


def test_english_headers_in_one_row_are_accepted(world):
    batch = validate(world.worker_a1, [person("英文", 1)], header=[EN])
    assert (batch.total_rows, batch.valid_rows) == (1, 1)
    assert batch.error_preview == []


def test_a_street_officer_may_import_any_community_of_the_street(world):
    batch = validate(world.street_officer_a, [person("甲", 1, community="330105001002")])
    assert batch.valid_rows == 1


def test_an_id_number_typed_as_a_number_gets_a_hint(world):
    row = person("数字", 1)
    row[1] = 330105194506010021  # Excel turns this into a rounded float
    errors = errors_by_row(validate(world.worker_a1, [row]))
    assert "format the column as text" in errors[3]


@pytest.mark.parametrize("content, message", [
    (b"name,id\nx,y\n", "not an Excel .xlsx file"),
    (None, "no data rows"),
])
def test_unreadable_or_empty_files_are_rejected_and_nothing_is_stored(world, content, message):
    upload = io.BytesIO(content) if content else workbook([])
    with pytest.raises(ImportRejected, match=message):
        elder_import_validate(actor=world.worker_a1, upload=upload, file_name="x.xlsx")
    assert not ElderImport.objects.exists()


def test_a_file_without_the_headers_is_rejected_naming_the_missing_columns(world):
    with pytest.raises(ImportRejected, match="身份证号") as info:
        validate(world.worker_a1, [["张三", "x"]], header=[["姓名", "年龄"]])
    assert "居住社区" in info.value.message
    assert not ElderImport.objects.exists()


def test_too_many_rows_are_rejected(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportRejected, match="more than 2 rows"):
        validate(world.worker_a1, [person(f"人{i}", i) for i in range(1, 4)])
    assert not ElderImport.objects.exists()


def test_only_area_staff_may_import(world):
    with pytest.raises(PermissionDenied):
        validate(world.caregiver, [person("甲", 1)])


def test_commit_imports_exactly_the_valid_rows(world, mixed):
    batch = validate(world.worker_a1, mixed)
    before = Elder.objects.count()
    batch = elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    assert batch.status == "committed" and batch.imported_rows == 2
    assert Elder.objects.count() == before + 2
    good = Elder.objects.get(name="好二")
    assert good.residence_area == world.community_a1 and good.living_situation == "lives_alone"
    assert good.id_tail == good.id_number[-4:] and good.phone_tail == good.phone[-4:]
    assert good.history.get().history_user == world.worker_a1
    entry = AuditLog.objects.get(action="elder.import")
    assert entry.after["imported"] == 2 and entry.after["batch"] == batch.pk
    assert entry.actor == world.worker_a1


def test_committing_twice_imports_once(world):
    batch = validate(world.worker_a1, [person("甲", 1), person("乙", 2)])
    elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    with pytest.raises(ServiceError, match="already"):
        elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    assert Elder.objects.filter(name__in=["甲", "乙"]).count() == 2
    assert AuditLog.objects.filter(action="elder.import").count() == 1


def test_cancel_writes_nothing_and_forgets_the_rows(world):
    batch = validate(world.worker_a1, [person("甲", 1)])
    imports.elder_import_cancel(actor=world.worker_a1, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.payload is None
    with pytest.raises(ServiceError, match="already"):
        elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    assert not Elder.objects.filter(name="甲").exists()


def test_a_failure_mid_commit_leaves_nothing_and_marks_the_batch_failed(world, monkeypatch):
    batch = validate(world.worker_a1, [person(f"人{i}", i) for i in range(1, 6)])
    real = imports.bulk_create_with_history

    def half_then_crash(objs, model, **kw):
        real(objs[:3], model, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "bulk_create_with_history", half_then_crash)
    with pytest.raises(ServiceError, match="disk full"):
        elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    assert not Elder.objects.filter(name__startswith="人").exists()
    assert not Elder.history.filter(name__startswith="人").exists()
    assert not AuditLog.objects.filter(action="elder.import").exists()
    batch.refresh_from_db()
    assert batch.status == "failed" and "disk full" in batch.message


def test_a_person_registered_after_review_is_skipped_at_commit(world):
    batch = validate(world.worker_a1, [person("甲", 1), person("乙", 2)])
    make_elder(world.community_a1, name="抢先", birth=dt.date(1945, 6, 1), seq=2, male=True)
    batch = elder_import_commit(actor=world.worker_a1, batch_id=batch.pk)
    assert (batch.imported_rows, batch.skipped_rows) == (1, 1)
    assert "after this file was checked" in errors_by_row(batch)[4]
    assert not Elder.objects.filter(name="乙").exists()


def test_a_batch_belongs_to_its_uploader(world):
    batch = validate(world.worker_a1, [person("甲", 1)])
    with pytest.raises(NotFound):
        elder_import_commit(actor=world.worker_a2, batch_id=batch.pk)
    with pytest.raises(NotFound):
        imports.elder_import_cancel(actor=world.street_officer_a, batch_id=batch.pk)
    assert ElderImport.objects.get(pk=batch.pk).status == "validated"


def test_an_id_whose_area_code_stdnum_half_knows_is_a_row_error_not_a_crash(world):
    from stdnum.cn import ric

    n17 = "12345619450601002"  # stdnum 2.2 raised KeyError on this code
    row = person("怪码", 1, **{"ID number": n17 + ric.calc_check_digit(n17 + "0")})
    errors = errors_by_row(validate(world.worker_a1, [row]))
    assert "invalid area code" in errors[3]


def test_a_message_that_names_its_column_is_not_prefixed_twice(world):
    row = person("校验", 1)
    row[1] = row[1][:-1] + ("1" if row[1][-1] != "1" else "2")
    errors = errors_by_row(validate(world.worker_a1, [row]))
    assert errors[3] == "ID number check digit is wrong."
