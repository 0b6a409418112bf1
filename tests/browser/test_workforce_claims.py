"""A quarterly post-subsidy claim from the pages: create, compute, four-eyes approval, export."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from anlao.workforce.models import ClaimBatch
from tests.workforce_fixtures import employ, make_caregiver, make_facility

pytestmark = pytest.mark.browser


@pytest.fixture
def staffed(world):
    f = make_facility(world, world.community_a1)
    employ(make_caregiver(world.community_a1, name="王丽", level="level4"), f,
           dt.date(2023, 1, 1))
    employ(make_caregiver(world.community_a1, name="赵敏"), f, dt.date(2024, 1, 1))
    return world


def test_a_claim_is_computed_by_one_officer_and_approved_by_another(staffed, logged_in, page,
                                                                    live_server):
    logged_in(staffed.district_officer)
    page.goto(live_server.url + "/workforce/claims/")
    page.fill("#claim-year", "2025")
    page.select_option("#claim-quarter", "4")
    page.select_option("#claim-area", str(staffed.street_a.pk))
    page.click("#new-claim button[type=submit]")
    page.click("#claim-buttons button")  # compute
    expect(page.locator("#claim-total")).to_have_text("¥2,900.00")
    expect(page.locator("#claim-lines")).to_contain_text("3 full years of continuous work")
    expect(page.locator("#claim-lines")).to_contain_text("no skill level")
    expect(page.locator("#claim-buttons")).not_to_contain_text("Approve")
    claim_url = page.url

    page.context.clear_cookies()
    logged_in(staffed.city_admin)
    page.goto(claim_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#claim-state")).to_have_text("approved")
    assert ClaimBatch.objects.get().approved_by == staffed.city_admin
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export to Excel").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    assert ClaimBatch.objects.get().state == "exported"


def test_claiming_an_approved_quarter_again_shows_why_and_changes_nothing(staffed, logged_in,
                                                                         page, live_server):
    from anlao.workforce import services

    b = services.batch_create(actor=staffed.street_officer_a, year=2025, quarter=4,
                              area_id=staffed.street_a.pk)
    services.batch_compute(actor=staffed.street_officer_a, batch_id=b.pk)
    services.batch_approve(actor=staffed.district_officer, batch_id=b.pk)
    logged_in(staffed.district_officer)
    page.goto(live_server.url + "/workforce/claims/")
    page.fill("#claim-year", "2025")
    page.select_option("#claim-quarter", "4")
    page.select_option("#claim-area", str(staffed.district.pk))
    page.click("#new-claim button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("already approved")
    assert ClaimBatch.objects.count() == 1


def test_the_kpi_page_draws_the_chart_and_flags_streets_below_target(staffed, logged_in, page,
                                                                     live_server):
    logged_in(staffed.district_officer)
    page.goto(live_server.url + "/workforce/kpi/")
    expect(page.locator("#kpi-chart canvas")).to_have_count(1)
    expect(page.locator(".kpi-table").nth(1)).to_contain_text("50.0%")  # 1 of 2 certified
