"""Editing a facility in Chromium: the officer opens the form from the detail page, renames
the facility and sees the new name there; a bad point shows its field error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_facilities_services import make_facility

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_an_officer_renames_a_facility_and_sees_it_on_the_detail_page(world, logged_in, page,
                                                                     live_server, size):
    f = make_facility(world, area=world.community_a1)
    errors: list[str] = []
    # The refused save answers 400 on purpose; anything else (CSP, script errors) is a failure.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.set_viewport_size(size)
    logged_in(world.street_officer_a)
    page.goto(live_server.url + f"/facilities/{f.pk}/")
    page.click("#facility-edit")
    expect(page.locator("#id_name")).to_have_value("拱宸养老院")
    page.fill("#id_lat", "120.14")
    page.fill("#id_lng", "30.32")
    page.click("#facility-save")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_lat.is-invalid")).to_have_count(1)
    page.fill("#id_lat", "30.32")
    page.fill("#id_lng", "120.14")
    page.fill("#id_name", "拱宸桥颐养院")
    page.click("#facility-save")
    page.wait_for_url(live_server.url + f"/facilities/{f.pk}/")
    expect(page.locator("h1")).to_have_text("拱宸桥颐养院")
    assert errors == []
