"""Login and logout through the real form in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_user_logs_in_and_out(world, logged_in, page, live_server):
    logged_in(world.worker_a1)
    assert page.url == live_server.url + "/"
    expect(page.locator("#main h1")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#mainnav .dropdown-toggle")
    page.click("#logout-button")
    page.wait_for_url("**/login/")
    page.goto(live_server.url + "/")
    assert "/login/" in page.url  # the session is gone


def test_a_wrong_password_shows_an_error(world, page, live_server):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "worker_a1")
    page.fill("#id_password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_be_visible()
    assert "/login/" in page.url


def test_five_failures_show_the_lockout_page(world, page, live_server):
    for _ in range(5):
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", "worker_a2")
        page.fill("#id_password", "wrong-password")
        page.click("#login-submit")
        page.wait_for_load_state()
    expect(page.locator("#locked-out")).to_be_visible()
