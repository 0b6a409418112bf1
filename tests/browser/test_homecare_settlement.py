"""Settlement in a real browser: one officer computes, another approves and downloads Excel."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.settlement_fixtures import october

pytestmark = pytest.mark.browser


def test_an_officer_computes_and_a_second_officer_approves(world, page, live_server):
    october(world)
    login(page, live_server, world.district_officer)
    page.goto(live_server.url + "/homecare/settlements/")
    expect(page.locator(".empty-state")).to_be_visible()
    page.select_option("#id_provider", str(world.provider.pk))
    page.fill("#id_period", "2026-10")
    page.click("#compute")
    expect(page.locator("#payable")).to_have_text("¥213.00")
    expect(page.locator("#four-eyes-note")).to_be_visible()
    expect(page.locator("#approve")).to_have_count(0)
    expect(page.locator("#lines tbody tr")).to_have_count(7)
    detail = page.url

    page.context.clear_cookies()
    login(page, live_server, world.city_admin)
    page.goto(detail)
    page.click("#approve")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#export")).to_be_visible()
    with page.expect_download() as info:
        page.click("#download-xlsx")
    with open(info.value.path(), "rb") as fh:
        content = fh.read()

    from openpyxl import load_workbook

    summary = dict(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert summary["Payable (yuan)"] == 213
    assert summary["State"] == "approved"
