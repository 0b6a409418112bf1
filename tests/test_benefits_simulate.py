"""Policy simulation: draft vs current, nothing written, refusals, scope; budget vs actual."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from anlao.areas.models import Area
from anlao.benefits.models import BenefitRun, Entitlement, RunState
from anlao.benefits.policy.programs import program_from_text
from anlao.benefits.policy.yamlmarks import PolicyError
from anlao.benefits.runs import services
from anlao.benefits.simulation import selectors as sim_selectors
from anlao.benefits.simulation import services as sim_services
from anlao.benefits.simulation import simulate
from anlao.benefits.simulation.budget import monthly_budget
from anlao.benefits.simulation.selectors import budget_vs_actual
from anlao.core.errors import NotFound, PermissionDenied
from anlao.core.models import AuditLog
from tests.benefits_fixtures import AGE_ALLOWANCE, write_policies
from tests.personas import make_elder

PROGRAM = "test-age-allowance"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    """Street A: two elders 80–89 and one aged 90+; street B: one aged 80–89, one dibao at 70."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    make_elder(world.community_a2, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    make_elder(world.community_a2, name="周大山", birth=dt.date(1930, 1, 1), seq=3)
    make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=4)
    make_elder(world.community_b1, name="赵小红", birth=dt.date(1956, 5, 5), seq=5,
               dibao=True)
    return world


def run(world, draft, actor=None, area="330105", period="2026-03"):
    return sim_services.simulate(actor=actor or world.district_officer, program=PROGRAM,
                             period=period, area_code=area, draft_text=draft)


def line_of(text, needle):
    return next(i + 1 for i, line in enumerate(text.splitlines()) if needle in line)


def test_an_unchanged_draft_changes_nobody(town):
    sim = run(town, AGE_ALLOWANCE)
    assert sim.counts == {"new": 0, "dropped": 0, "gainer": 0, "loser": 0}
    assert sim.total["current_monthly_fen"] == sim.total["draft_monthly_fen"] == 50000
    assert sim.total["current_eligible"] == 4


def test_a_raised_amount_changes_the_cost_exactly(town):
    draft = AGE_ALLOWANCE.replace("amount_fen: 10000", "amount_fen: 12500")
    sim = run(town, draft)
    # Three elders are 80–89: each gains 25 yuan a month; the 90+ tier is untouched.
    assert sim.total["draft_monthly_fen"] - sim.total["current_monthly_fen"] == 3 * 2500
    assert sim.total["delta_yearly_fen"] == 3 * 2500 * 12
    assert sim.counts == {"new": 0, "dropped": 0, "gainer": 3, "loser": 0}
    by_street = {r["street_code"]: r for r in sim.streets}
    assert by_street[town.street_a.code]["draft_monthly_fen"] == 12500 * 2 + 20000
    assert by_street[town.street_b.code]["draft_yearly_fen"] == 12500 * 12


def test_a_new_category_adds_exactly_the_matching_elders(town):
    draft = AGE_ALLOWANCE.replace(
        "      - {code: age, when: \"age >= 80\"}\n",
        "      - {code: age, when: \"age >= 80 or dibao\"}\n",
    ) + "      - {code: dibao, category: dibao, amount_fen: 8000}\n"
    sim = run(town, draft)
    assert sim.counts["new"] == 1 and sim.counts["gainer"] == sim.counts["loser"] == 0
    rows, pages = sim_selectors.changed_elders(actor=town.district_officer, sim=sim, kind="new")
    assert pages == 1
    assert [(r["name"], r["draft_fen"]) for r in rows] == [("赵*红", 8000)]
    assert "*" in rows[0]["id_number"]
    assert sim.total["draft_eligible"] == sim.total["current_eligible"] + 1


def test_a_bad_draft_is_refused_with_its_line_number(town):
    draft = AGE_ALLOWANCE.replace("age: [90, null]", "age: [95, null]")
    with pytest.raises(simulate.DraftError) as exc:
        run(town, draft)
    assert exc.value.line == line_of(draft, "age: [95, null]") == 11
    assert "gap in ages" in exc.value.errors["draft"][0]
    with pytest.raises(simulate.DraftError) as exc:
        run(town, AGE_ALLOWANCE.replace('when: "age >= 80"', 'when: "agee >= 80"'))
    assert exc.value.line == line_of(AGE_ALLOWANCE, "age >= 80") == 8


def test_a_draft_must_keep_the_program_code(town):
    with pytest.raises(simulate.DraftError):
        run(town, AGE_ALLOWANCE.replace("program: test-age-allowance", "program: other-one"))


def test_nothing_is_written_but_one_audit_row(town):
    real = services.run_create(actor=town.district_officer, program=PROGRAM, period="2026-03",
                               district_code="330105", today=TODAY)
    services.run_compute(actor=town.district_officer, run_id=real.pk)
    before = (Entitlement.objects.count(), BenefitRun.objects.count(), AuditLog.objects.count())
    run(town, AGE_ALLOWANCE.replace("amount_fen: 10000", "amount_fen: 1"))
    after = (Entitlement.objects.count(), BenefitRun.objects.count(), AuditLog.objects.count())
    assert after == (before[0], before[1], before[2] + 1)
    row = AuditLog.objects.latest("id")
    assert row.action == "benefit.simulate" and row.entity_id == PROGRAM
    assert row.after["loser"] == 3


def test_a_street_officer_may_not_simulate(town):
    with pytest.raises(PermissionDenied):
        run(town, AGE_ALLOWANCE, actor=town.street_officer_a)


def test_an_area_outside_the_jurisdiction_is_not_found(town):
    with pytest.raises(NotFound):
        run(town, AGE_ALLOWANCE, area="330100")


def test_a_street_scope_counts_only_that_street(town):
    sim = run(town, AGE_ALLOWANCE, area=town.street_b.code)
    assert [r["street_code"] for r in sim.streets] == [town.street_b.code]
    assert sim.total["current_eligible"] == 1


def test_the_page_and_the_export_need_the_permission(town, client):
    client.force_login(town.auditor)
    assert client.get("/benefits/simulate/").status_code == 403
    client.force_login(town.district_officer)
    page = client.get(f"/benefits/simulate/?program={PROGRAM}")
    assert page.status_code == 200 and "amount_fen: 10000" in page.content.decode()
    data = {"program": PROGRAM, "period": "2026-03", "area": "330105",
            "draft": AGE_ALLOWANCE.replace("amount_fen: 10000", "amount_fen: 12500")}
    shown = client.post("/benefits/simulate/", data).content.decode()
    assert 'id="sim-data"' in shown and "周*山" not in shown and "张*兰" in shown
    xlsx = client.post("/benefits/simulate/export/", data)
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    streets, changes = book.worksheets
    assert streets.max_row == 1 + 2 + 1  # header, two streets, total
    assert changes.max_row == 1 + 3


def test_the_page_shows_the_line_of_a_bad_draft(town, client):
    client.force_login(town.district_officer)
    data = {"program": PROGRAM, "period": "2026-03", "area": "330105",
            "draft": AGE_ALLOWANCE.replace("age: [90, null]", "age: [95, null]")}
    shown = client.post("/benefits/simulate/", data).content.decode()
    assert 'data-error-line="11"' in shown and 'id="sim-data"' not in shown


def test_a_budget_section_is_parsed_and_bad_ones_name_their_line():
    ok = program_from_text(AGE_ALLOWANCE + "budget:\n  2026: {annual_fen: 1200}\n"
                           "  2027: {monthly_fen: 50}\n", "x.yaml")
    assert ok.budget == {2026: {"annual_fen": 1200, "monthly_fen": None},
                         2027: {"annual_fen": 600, "monthly_fen": 50}}
    with pytest.raises(PolicyError) as exc:
        program_from_text(AGE_ALLOWANCE + "budget:\n  2026: {annual_fen: -5}\n", "x.yaml")
    assert exc.value.line == 13 and "budget" in str(exc.value)
    with pytest.raises(PolicyError) as exc:
        program_from_text(AGE_ALLOWANCE + "budget:\n  2026: {annual_fen: 1, monthly_fen: 1}\n",
                          "x.yaml")
    assert exc.value.line == 13


def test_a_monthly_budget_adds_up_to_the_year():
    assert sum(monthly_budget(100, None)) == 100
    assert monthly_budget(100, None)[:4] == [9, 9, 9, 9] and monthly_budget(100, None)[4] == 8


def test_budget_vs_actual_counts_the_best_run_of_each_month(town, tmp_path):
    (tmp_path / f"{PROGRAM}.yaml").write_text(
        AGE_ALLOWANCE + "budget:\n  2026: {annual_fen: 1200000}\n", encoding="utf-8")
    real = services.run_create(actor=town.district_officer, program=PROGRAM, period="2026-03",
                               district_code="330105", today=TODAY)
    services.run_compute(actor=town.district_officer, run_id=real.pk)
    BenefitRun.objects.filter(pk=real.pk).update(state=RunState.EXPORTED)
    data = budget_vs_actual(actor=town.district_officer, code=PROGRAM, year=2026)
    march = data["months"][2]
    assert march["budget_fen"] == 100000 and march["actual_fen"] == 50000
    assert march["exported_fen"] == 50000 and march["cum_budget_fen"] == 300000
    assert data["months"][1]["actual_fen"] == 0
    with pytest.raises(PermissionDenied):
        budget_vs_actual(actor=town.street_officer_a, code=PROGRAM, year=2026)


def test_the_budget_page_answers_and_hides_from_the_unauthorised(town, client):
    client.force_login(town.district_officer)
    page = client.get(f"/benefits/programs/{PROGRAM}/budget/?year=2026")
    assert page.status_code == 200 and 'id="budget-none"' in page.content.decode()
    assert client.get("/benefits/programs/nope/budget/").status_code == 404
    client.force_login(town.worker_a1)
    assert client.get(f"/benefits/programs/{PROGRAM}/budget/").status_code == 403
    assert Area.objects.filter(code="330100").exists()
