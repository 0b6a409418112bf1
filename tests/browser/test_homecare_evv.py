"""A caregiver on a phone (390×844): my route, check in with the phone's position, check out,
the visit shows as done; and without a position the page says so and can continue."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlao.homecare.models import Visit, VisitState
from tests.browser.conftest import login
from tests.visits_fixtures import HOME, build_day

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def day(world):
    return build_day(world, timezone.localdate())


def _phone(browser, **extra):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", **extra)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


def test_a_caregiver_checks_in_and_out_on_a_phone(day, browser, live_server):
    context, page, errors = _phone(browser, geolocation={"latitude": HOME[0] + 0.0003,
                                                         "longitude": HOME[1]},
                                   permissions=["geolocation"])
    try:
        login(page, live_server, day.world.caregiver)
        page.goto(live_server.url + "/homecare/route/")
        card = page.locator(f"#visit-{day.visit.pk}")
        expect(card).to_contain_text(day.elder.name)
        card.get_by_test_id("reveal-address").click()
        expect(card.get_by_test_id("address")).to_have_text(day.elder.address)
        expect(card.get_by_test_id("map-link")).to_have_attribute("href", f"geo:{HOME[0]:.6f},"
                                                                  f"{HOME[1]:.6f}?q={HOME[0]:.6f},"
                                                                  f"{HOME[1]:.6f}")
        card.get_by_test_id("check-in").click()
        expect(card).to_have_attribute("data-state", VisitState.IN_PROGRESS)
        card.get_by_test_id("check-out").click()
        expect(card).to_have_attribute("data-state", VisitState.DONE)
        expect(card.get_by_test_id("visit-state")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert errors == []
    finally:
        context.close()
    v = Visit.objects.get(pk=day.visit.pk)
    assert 25 <= v.check_in_distance_m <= 40  # 0.0003° north ≈ 33 m
    assert v.check_out_at is not None


def test_without_a_position_the_page_says_so_and_can_continue(day, browser, live_server):
    context, page, _errors = _phone(browser)  # no geolocation permission
    try:
        login(page, live_server, day.world.caregiver)
        page.goto(live_server.url + f"/homecare/route/visits/{day.visit.pk}/")
        page.get_by_test_id("check-in").click()
        status = page.locator("[data-evv-status]")
        expect(status).to_have_class("small mt-1 mb-0 text-danger")
        page.locator("[data-evv-nogps]").click()
        expect(page.get_by_test_id("checked-in")).not_to_have_text("—")
    finally:
        context.close()
    v = Visit.objects.get(pk=day.visit.pk)
    assert v.state == VisitState.IN_PROGRESS and v.check_in_lat is None
