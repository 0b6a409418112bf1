"""Policy simulation in a real browser: edit an amount, see the chart and the new totals."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from anlao.benefits.models import Entitlement
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

pytestmark = pytest.mark.browser


@pytest.fixture
def gongshu(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15))
    make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=2)
    return world


def test_an_edited_amount_shows_in_the_chart_and_the_totals(gongshu, logged_in, page,
                                                            live_server):
    logged_in(gongshu.district_officer)
    page.goto(live_server.url + "/benefits/simulate/?program=test-age-allowance")
    draft = page.locator("#id_draft")
    expect(draft).to_contain_text("amount_fen: 10000")
    draft.fill(draft.input_value().replace("amount_fen: 10000", "amount_fen: 15000"))
    page.fill("#id_period", "2026-03")
    page.click("#sim-run")
    expect(page.locator("#sim-chart svg")).to_be_visible()
    expect(page.locator("#sim-chart")).to_contain_text("上塘街道")
    expect(page.locator("#sim-total")).to_contain_text("¥200.00")
    expect(page.locator("#sim-total")).to_contain_text("¥300.00")
    expect(page.locator("[data-kind=gainer]")).to_have_text("2")
    assert Entitlement.objects.count() == 0


def test_a_bad_draft_names_its_line_and_selects_it(gongshu, logged_in, page, live_server):
    logged_in(gongshu.district_officer)
    page.goto(live_server.url + "/benefits/simulate/?program=test-age-allowance")
    draft = page.locator("#id_draft")
    draft.fill(draft.input_value().replace("age >= 80", "agee >= 80"))
    page.click("#sim-run")
    expect(page.locator("#sim-error")).to_contain_text(":8:")
    expect(draft).to_have_attribute("data-error-line", "8")
    expect(page.locator("#sim-chart")).to_have_count(0)
    expect(draft).to_be_focused()
