"""Every export writes a name such as ``=1+2`` as text, never as a live formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from anlao.benefits.payments import bankfiles
from anlao.benefits.simulation import export as sim_export
from anlao.benefits.simulation import services as sim_services
from anlao.core import xlsx
from anlao.homecare.settlement.export import statement_xlsx
from anlao.homecare.settlement.services import settlement_compute
from anlao.people.models import Elder
from anlao.workforce import services as workforce
from anlao.workforce.exports import batch_workbook
from tests.benefits_fixtures import AGE_ALLOWANCE, write_policies
from tests.personas import make_elder
from tests.settlement_fixtures import NOW, OCTOBER, october
from tests.test_facilities_services import make_facility
from tests.workforce_fixtures import employ, make_caregiver
from tests.workforce_fixtures import make_facility as make_care_home

pytestmark = pytest.mark.django_db
EVIL = "=1+2"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith(xlsx.FORMULA_STARTS)
            and not c.value.startswith("=SUM(")]


def _all_text(content: bytes, expected: str = EVIL) -> None:
    cells = _cells(content)
    assert expected in [c.value for c in cells]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells), [
        (c.coordinate, c.value, c.data_type) for c in cells]


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_the_kernel_types_every_dangerous_start_as_text(value):
    from openpyxl import Workbook
    book = Workbook()
    xlsx.append(book.active, [value, xlsx.Formula("=1+1")])
    sheet = load_workbook(io.BytesIO(xlsx.workbook_bytes(book))).active
    # (XML reads a carriage return back as a newline)
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["A1"].quotePrefix) == (
        value.replace("\r", "\n"), "s", True)
    assert sheet["B1"].data_type == "f"  # a formula the export means stays one


def test_the_elder_export(world):
    make_elder(world.community_a1, name=EVIL, seq=1)
    response = _client(world.street_officer_a).get("/elders/export.xlsx")
    _all_text(b"".join(response.streaming_content))


def test_the_order_export_and_the_settlement_statement(world):
    data = october(world)
    Elder.objects.filter(pk=data["elders"][0].pk).update(name=EVIL)
    response = _client(world.district_officer).get("/homecare/orders/export.xlsx")
    assert response.status_code == 200
    _all_text(response.content)
    s = settlement_compute(actor=world.district_officer, provider=world.provider,
                           period=OCTOBER, now=NOW)
    _all_text(statement_xlsx(s))
    sums = load_workbook(io.BytesIO(statement_xlsx(s))).worksheets[1]
    assert sums.cell(sums.max_row, 9).data_type == "f"  # its own SUM rows stay formulas


def test_the_facility_export(world):
    make_facility(world, name=EVIL, area=world.community_a1)
    _all_text(_client(world.street_officer_a).get("/facilities/export.xlsx").content)


def test_the_bank_files(world):
    line = {"line": 1, "account_number": "6222", "holder": EVIL, "bank": "ICBC",
            "amount_fen": 100, "id_number": "x", "elder_name": "@x", "community_code": "1",
            "kind": "regular", "reference": "-r"}
    rows = bankfiles.export_rows([line])
    _all_text(bankfiles.to_xlsx(rows, "2026-03"))
    table = list(csv.reader(io.StringIO(bankfiles.to_csv(rows).decode("utf-8-sig"))))
    assert table[1][2] == "'=1+2" and table[1][6] == "'@x" and table[1][4] == "1.00"


def test_the_post_subsidy_claim(world):
    home = make_care_home(world, world.community_a1)
    employ(make_caregiver(world.community_a1, name=EVIL, level="level4"), home,
           dt.date(2023, 1, 1))
    b = workforce.batch_create(actor=world.street_officer_a, year=2025, quarter=4,
                               area_id=world.street_a.pk)
    b = workforce.batch_compute(actor=world.street_officer_a, batch_id=b.pk)
    _all_text(batch_workbook(b))


def test_the_simulation_export(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    make_elder(world.community_a1, name=EVIL, birth=dt.date(1936, 3, 15), seq=1)
    sim = sim_services.simulate(
        actor=world.district_officer, program="test-age-allowance", period="2026-03",
        area_code="330105",
        draft_text=AGE_ALLOWANCE.replace("amount_fen: 10000", "amount_fen: 12500"))
    _all_text(sim_export.workbook_bytes(actor=world.district_officer, sim=sim), "=**2")
