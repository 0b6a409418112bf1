"""The facility map and detail in Chromium: Leaflet markers from json_script, popup with free
beds, occupancy chart drawn, no console errors (CSP forbids inline scripts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_facilities_services import make_facility

pytestmark = pytest.mark.browser


@pytest.fixture
def facilities(world):
    a = make_facility(world, area=world.community_a1, general=4, nursing=6)
    a.lat, a.lng = 30.33, 120.14
    a.save()
    b = make_facility(world, area=world.community_b1)
    b.name, b.lat, b.lng = "祥符护理院", 30.31, 120.12
    b.save()
    return a, b


@pytest.mark.parametrize("size", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_the_map_shows_in_scope_markers_with_free_beds(world, facilities, logged_in, page,
                                                         live_server, size):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(r.url)
            if r.status >= 400 and "favicon" not in r.url else None)
    page.set_viewport_size(size)
    logged_in(world.street_officer_a)
    page.goto(live_server.url + "/facilities/map/")
    markers = page.locator("path.facility-marker")
    expect(markers).to_have_count(1)
    markers.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("拱宸养老院")
    expect(popup.locator(".free-beds")).to_contain_text("10")
    assert errors == []  # no CSP violations, script errors or missing assets


def test_the_detail_page_draws_the_occupancy_chart(world, facilities, logged_in, page,
                                                   live_server):
    logged_in(world.street_officer_a)
    page.goto(live_server.url + f"/facilities/{facilities[0].pk}/")
    expect(page.locator("#chart-occupancy svg")).to_have_count(1)
    expect(page.locator("#free-nursing")).to_have_text("6")
