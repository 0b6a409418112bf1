"""Excel import of the facility inventory: all-or-nothing, every row error with its number."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from anlao.accounts.models import Organisation
from anlao.core.errors import PermissionDenied
from anlao.facilities.exports import workbook
from anlao.facilities.imports import facility_import
from anlao.facilities.models import ComplianceFinding, Facility

pytestmark = pytest.mark.django_db
HEADER = ["机构名称", "机构类型", "运营机构", "所在社区或街道", "普通床位", "护理型床位",
          "护理床位在住", "许可或备案号", "医疗配置", "合作医疗机构", "责任险到期日"]


def xlsx(rows: list[list], header: list[str] = HEADER) -> io.BytesIO:
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(header)
    for r in rows:
        book.active.append(r)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "inventory.xlsx"
    return buf


@pytest.fixture
def org(world):
    return Organisation.objects.create(name="半山颐养院", type="care_facility", area=world.district)


def good_row(name="北文颐养家园", area="330105001001", **kw) -> list:
    row = {"name": name, "type": "嵌入式小微机构", "operator": "半山颐养院", "area": area,
           "general": 10, "nursing": 30, "occ": 25, "licence": "浙杭民养2020001",
           "medical": "签约合作", "partner": "上塘街道社区卫生服务中心", "ins": "2099-01-01"}
    row.update(kw)
    return list(row.values())


def test_a_clean_file_imports_every_row_with_beds_and_findings(world, org):
    result = facility_import(actor=world.district_officer,
                             upload=xlsx([good_row(), good_row("上塘护理站", licence="")]))
    assert not result.errors and len(result.created) == 2
    f = Facility.objects.get(name="北文颐养家园")
    assert f.bed_counts()["nursing_beds"] == 30 and f.bed_counts()["occupied_nursing"] == 25
    assert ComplianceFinding.objects.filter(facility__name="上塘护理站", rule="licence").exists()


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(world, org):
    rows = [good_row(),
            good_row("坏类型", type="养猪场"),
            good_row("超员", occ=31),
            good_row("无社区", area="不存在社区"),
            good_row("北文颐养家园")]
    result = facility_import(actor=world.district_officer, upload=xlsx(rows))
    by_row = {e.row: " ".join(e.messages) for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6}
    assert "unknown value" in by_row[3] and "required" not in by_row[3]
    assert "more than" in by_row[4]
    assert "no such area" in by_row[5]
    assert "row 2" in by_row[6]
    assert not Facility.objects.exists()


def test_areas_outside_the_jurisdiction_are_row_errors(world, org):
    officer = world.district_officer
    officer.areas.set([world.street_a])  # an importer whose jurisdiction is one street
    result = facility_import(actor=officer, upload=xlsx([good_row(area="330105002001")]))
    assert result.errors and not Facility.objects.exists()


def test_a_file_without_the_template_headers_is_rejected_as_a_whole(world, org):
    from anlao.core.imports import ImportRejected
    with pytest.raises(ImportRejected, match="missing"):
        facility_import(actor=world.district_officer,
                        upload=xlsx([["x", "y"]], header=["机构名称", "地址", "星级"]))


def test_community_workers_may_not_import(world, org):
    with pytest.raises(PermissionDenied):
        facility_import(actor=world.worker_a1, upload=xlsx([good_row()]))


def test_the_template_reimports_after_filling_in(world, org):
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(workbook(None)))
    headers = [c.value for c in book.active[1]]
    sheet = book.active
    values = {"机构名称*": "模板测试院", "机构类型*": "养老院", "运营机构*": "半山颐养院",
              "所在社区或街道*": "330105001001", "护理型床位": 20, "许可或备案号": "L1"}
    sheet.append([values.get(h) for h in headers])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    result = facility_import(actor=world.district_officer, upload=buf)
    assert not result.errors and Facility.objects.filter(name="模板测试院").exists()


def test_the_import_page_lists_row_errors(world, org):
    c = Client()
    c.force_login(world.district_officer)
    r = c.post("/facilities/import/", {"file": xlsx([good_row(), good_row("x", occ=99)])})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'id="import-errors"' in body and "<td>3</td>" in body
    assert not Facility.objects.exists()
