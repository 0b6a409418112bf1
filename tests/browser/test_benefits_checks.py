"""The checks page in a real browser: compute a run with seeded fraud cases, review one."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from anlao.benefits.models import CheckFinding
from anlao.benefits.payments import bankfiles
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from anlao.people.models import Elder
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

pytestmark = pytest.mark.browser
TODAY = dt.date(2026, 11, 24)


def card(body: str) -> str:
    return next(body + d for d in "0123456789" if bankfiles.luhn_ok(body + d))


@pytest.fixture
def seeded(world, settings, tmp_path):
    """Elders on 低保 (paid by "Care A"), each with one seeded problem."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    poor = {"dibao": True}
    world.qian = make_elder(world.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7,
                            **poor)  # implausible age
    zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1, **poor)
    Elder.objects.create(name="张桂兰", id_number=zhang.id_number[:6] + zhang.id_number[8:17],
                         birth_date=zhang.birth_date, sex="F", residence_area=world.community_b1,
                         hukou_area=world.community_b1)  # the same person, old 15-digit record
    shared = card("622202100000000001")
    for n, name in enumerate(("孙大爷", "周奶奶", "吴大爷"), start=20):
        elder = make_elder(world.community_a2, name=name, birth=dt.date(1941, 2, n % 28 + 1),
                           seq=n, **poor)
        payments.account_set(actor=world.city_admin, elder_id=elder.pk, bank="ICBC",
                             account_number=shared, holder="张三")  # one card, three homes
    wang = make_elder(world.community_b1, name="王德福", birth=dt.date(1940, 1, 1), seq=2,
                      ability_level=3, living_situation="no_family")
    other = services.run_create(actor=world.city_admin, program="test-care-b",
                                period="2026-04", district_code="330105", today=TODAY)
    services.run_compute(actor=world.city_admin, run_id=other.pk)  # pays 王德福 (disabled)
    # Then the registry changes: on 低保, no longer disabled — "Care A" pays him as well.
    Elder.objects.filter(pk=wang.pk).update(ability_level=None, dibao=True)
    return world


def test_an_officer_sees_each_rules_findings_and_marks_one_reviewed(seeded, logged_in, page,
                                                                    live_server):
    logged_in(seeded.district_officer)
    page.goto(live_server.url + "/benefits/runs/")
    page.select_option("#id_program", "test-care-a")
    page.fill("#id_period", "2026-04")
    page.click("#new-run button[value=regular]")
    page.click("button[value=compute]")
    expect(page.locator("#run-total")).to_be_visible()
    page.click("#checks-link")
    counts = page.locator("#check-counts")
    for label, n in (("Implausible age", "1"), ("Same ID number on another active record", "1"),
                     ("One account pays many unrelated elders", "3"),
                     ("Also paid by an exclusive program", "1"),
                     ("Paid although deceased or moved out", "0")):
        expect(counts.locator("tr", has_text=label).locator("td").nth(1)).to_have_text(n)
    findings = page.locator("#findings")
    for name in ("钱老太", "张桂兰", "孙大爷", "周奶奶", "吴大爷", "王德福"):
        expect(findings).to_contain_text(name)
    expect(findings).not_to_contain_text(seeded.qian.id_number)  # masked
    page.click("#check-counts a:has-text('Implausible age')")
    row = page.locator("#findings tbody tr", has_text="钱老太")
    expect(page.locator("#findings tbody tr")).to_have_count(1)
    row.locator("select[name=status]").select_option("dismissed")
    row.locator("input[name=note]").fill("户籍资料核实：出生日期录入错误，已更正")
    row.locator("button[type=submit]").click()
    expect(page.locator("#findings")).to_contain_text("户籍资料核实")
    finding = CheckFinding.objects.get(rule="implausible_age")
    assert (finding.status, finding.reviewed_by) == ("dismissed", seeded.district_officer)
    expect(counts.locator("tr", has_text="Implausible age").locator("td").nth(2)).to_have_text(
        "0")
