"""The language switch (before and after login) changes what the page says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _switch(page, to: str) -> None:
    page.click("#lang-switch")
    page.wait_for_function(f"document.documentElement.lang === '{to}'")


def _set(page, lang: str) -> None:
    if page.evaluate("document.documentElement.lang") != lang:
        _switch(page, lang)


def test_the_login_page_switches_to_english_and_back(world, page, live_server):
    page.goto(live_server.url + "/login/")
    _set(page, "zh-hans")
    submit = page.locator("#login-submit")
    expect(submit).to_have_text("登录")
    expect(page.locator("#lang-switch")).to_contain_text("English")
    _switch(page, "en")
    expect(submit).to_have_text("Log in")
    expect(page.locator("#lang-switch")).to_contain_text("中文")
    _switch(page, "zh-hans")
    expect(submit).to_have_text("登录")


def test_the_choice_survives_login(world, logged_in, page, live_server):
    page.goto(live_server.url + "/login/")
    _set(page, "en")
    logged_in(world.worker_a1)
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch(page, "zh-hans")
    assert page.url == live_server.url + "/"  # back on the same page
    expect(page.locator("#lang-switch")).to_contain_text("English")
