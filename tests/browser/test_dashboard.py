"""The home dashboard in Chromium: headline numbers and ECharts drawn from json_script data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.personas import make_elder

pytestmark = pytest.mark.browser

CHARTS = ["#chart-area", "#chart-age", "#chart-ability", "#chart-category"]


def _born(age: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age) - dt.timedelta(days=100)


@pytest.fixture
def elders(world):
    make_elder(world.community_a1, seq=1, birth=_born(70))
    make_elder(world.community_a1, seq=2, birth=_born(85), ability_level=3)
    make_elder(world.community_b1, seq=3, birth=_born(90))


@pytest.mark.parametrize("size", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_the_dashboard_draws_every_chart(world, elders, logged_in, page, live_server, size):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(size)
    logged_in(world.district_officer)
    expect(page.locator("#stat-total")).to_have_text("3")
    expect(page.locator("#stat-80")).to_have_text("2")
    for chart in CHARTS:
        expect(page.locator(f"{chart} svg")).to_have_count(1)
    # The street chart names both streets; the bars are really drawn.
    expect(page.locator("#chart-area svg")).to_contain_text(world.street_a.name)
    assert page.locator("#chart-age svg path").count() > 3
    assert errors == []  # no CSP violations, no script errors


def test_a_community_worker_sees_their_own_numbers(world, elders, logged_in, page, live_server):
    logged_in(world.worker_b1)
    expect(page.locator("#stat-total")).to_have_text("1")
    expect(page.locator("#chart-area svg")).to_contain_text(world.community_b1.name)


def test_the_empty_state_has_no_charts(world, logged_in, page, live_server):
    logged_in(world.worker_a1)
    expect(page.locator("#dashboard-empty")).to_be_visible()
    expect(page.locator(".chart")).to_have_count(0)
