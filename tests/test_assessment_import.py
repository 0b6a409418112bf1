"""Import of past assessment results from Excel: every row error reported, nothing
half-written, totals recomputed."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from anlao.assessments.imports import assessment_import, import_template
from anlao.assessments.instrument import load
from anlao.assessments.models import Assessment
from anlao.core.errors import PermissionDenied
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)
ITEMS = [i.code for i in load().items]


def workbook(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def item_row(aw, elder, date: str, points: int, total: int | None = None,
             level: int | str = "") -> list:
    answers = full_answers(points)
    return [elder.id_number, aw.agency.name, date, *[answers[c] for c in ITEMS],
            points if total is None else total, level]


ITEM_HEADER = ["身份证号", "评估机构", "评估日期", *ITEMS, "总分", "等级"]


def test_it_imports_item_scores_and_sets_the_level_from_the_latest(aw):
    data = workbook(ITEM_HEADER, [item_row(aw, aw.elder_a1, "2025-03-01", 90),
                                  item_row(aw, aw.elder_a1, "2026-03-01", 40)])
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert (result.ok, result.created) == (True, 2)
    aw.elder_a1.refresh_from_db()
    assert aw.elder_a1.ability_level == 3
    current = Assessment.objects.get(is_current=True)
    assert (current.total, current.source, current.state) == (40, "import", "final")


def test_a_total_that_does_not_match_the_items_is_an_error_and_nothing_is_written(aw):
    data = workbook(ITEM_HEADER, [item_row(aw, aw.elder_a1, "2025-03-01", 90),
                                  item_row(aw, aw.elder_b1, "2025-03-01", 50, total=51)])
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(3, "total")]
    assert "50" in result.errors[0].message
    assert not Assessment.objects.exists()


def test_every_row_error_is_reported(aw):
    rows = [
        ["110105194912310021", aw.agency.name, "2025-01-01", "", 50, ""],  # unknown elder
        [aw.elder_a1.id_number, "无名机构", "2025-01-01", "", 50, ""],  # unknown agency
        [aw.elder_a1.id_number, aw.agency.name, "2099-01-01", "", 50, ""],  # future
        [aw.elder_a1.id_number, aw.agency.name, "1930-01-01", "", 50, ""],  # before birth
        [aw.elder_a1.id_number, aw.agency.name, "2025-01-01", "", 91, ""],  # out of range
        [aw.elder_a1.id_number, aw.agency.name, "2025-02-01", "", 50, 1],  # level too low
        [aw.elder_a1.id_number, aw.agency.name, "2025-03-01", "", "", ""],  # no score
    ]
    data = workbook(["身份证号", "评估机构", "评估日期", "B.1.1", "总分", "等级"], rows)
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    got = {(e.row, e.column) for e in result.errors}
    assert {(2, "id_number"), (3, "agency"), (4, "assessed_on"), (5, "assessed_on"),
            (6, "total"), (7, "level"), (8, "total")} <= got
    assert not Assessment.objects.exists()


def test_some_but_not_all_items_is_an_error(aw):
    data = workbook(["身份证号", "评估机构", "评估日期", "B.1.1", "总分"],
                    [[aw.elder_a1.id_number, aw.agency.name, "2025-01-01", 4, 50]])
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert [e.column for e in result.errors] == ["items"]


def test_totals_only_and_a_higher_recorded_level_are_kept_with_the_reason(aw):
    data = workbook(["身份证号", "评估机构", "评估日期", "自理能力", "基础运动能力", "精神状态",
                     "感知觉与社会参与", "总分", "等级"],
                    [[aw.elder_a1.id_number, aw.agency.name, "2025-01-01", 30, 15, 20, 5, 70,
                      2]])
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert result.ok
    a = Assessment.objects.get()
    assert (a.initial_level, a.final_level, a.level_changes[0]["rule"]) == (1, 2, "recorded")


def test_subtotals_that_do_not_add_up_are_an_error(aw):
    data = workbook(["身份证号", "评估机构", "评估日期", "自理能力", "基础运动能力", "精神状态",
                     "感知觉与社会参与", "总分"],
                    [[aw.elder_a1.id_number, aw.agency.name, "2025-01-01", 30, 15, 20, 5, 71]])
    result = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert [e.column for e in result.errors] == ["total"]


def test_a_street_officer_cannot_import_and_elders_out_of_scope_are_unknown(aw):
    data = workbook(ITEM_HEADER, [item_row(aw, aw.elder_b1, "2025-03-01", 90)])
    with pytest.raises(PermissionDenied):
        assessment_import(actor=aw.street_officer_a, file=data, today=TODAY)
    aw.city_admin.areas.set([aw.street_a])
    result = assessment_import(actor=aw.city_admin, file=data, today=TODAY)
    assert [e.column for e in result.errors] == ["id_number"]


def test_the_same_result_twice_is_refused(aw):
    data = workbook(ITEM_HEADER, [item_row(aw, aw.elder_a1, "2025-03-01", 90)])
    assert assessment_import(actor=aw.district_officer, file=data, today=TODAY).ok
    again = assessment_import(actor=aw.district_officer, file=data, today=TODAY)
    assert [e.column for e in again.errors] == ["assessed_on"]
    assert Assessment.objects.count() == 1


def test_a_file_that_is_not_excel_is_refused_clearly(aw):
    result = assessment_import(actor=aw.district_officer, file=b"not a workbook", today=TODAY)
    assert result.errors[0].column == "file"


def test_the_template_has_every_item_column():
    sheet = load_workbook(io.BytesIO(import_template())).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["身份证号", "评估机构", "评估日期"] and "B.2.4 上下楼梯" in header
