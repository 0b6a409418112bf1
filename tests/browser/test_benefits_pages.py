"""A benefit run from the pages, in a real browser: create, compute, review, approve, why."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from anlao.benefits.models import BenefitRun
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

pytestmark = pytest.mark.browser


@pytest.fixture
def gongshu(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    # The page queues the computation; the immediate backend runs it inside the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15))
    make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=2)
    return world


def test_a_run_goes_from_draft_to_approved_by_two_people(gongshu, logged_in, page, live_server):
    logged_in(gongshu.district_officer)
    page.goto(live_server.url + "/benefits/runs/")
    page.select_option("#id_program", "test-age-allowance")
    page.fill("#id_period", "2026-04")
    page.click("#new-run button[type=submit]")
    expect(page.locator("button[value=compute]")).to_be_visible()
    assert BenefitRun.objects.get().state == "draft"
    page.click("button[value=compute]")
    expect(page.locator("#run-total")).to_have_text("¥300.00")
    expect(page.locator("#streets")).to_contain_text("上塘街道")
    page.click("button[value=review]")
    expect(page.locator("button[value=approve]")).to_have_count(0)  # not by who computed
    run_url = page.url
    page.context.clear_cookies()
    logged_in(gongshu.city_admin)
    page.goto(run_url)
    page.click("button[value=approve]")
    expect(page.locator("button[value=export]")).to_be_visible()
    run = BenefitRun.objects.get()
    assert (run.state, run.approved_by, run.computed_by) == (
        "approved", gongshu.city_admin, gongshu.district_officer)


def test_the_why_page_explains_an_elder_without_a_reload(gongshu, logged_in, page, live_server):
    logged_in(gongshu.worker_a1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/benefits/explain/")
    page.evaluate("window.__marker = 1")
    page.select_option("#id_program", "test-age-allowance")
    page.fill("#id_period", "2026-04")
    page.fill("#id_elder", str(gongshu.zhang.pk))
    page.click("main form button.btn-anlao")
    expect(page.locator("#why")).to_contain_text("张桂兰")
    expect(page.locator("#why")).to_contain_text("¥200.00")
    assert page.evaluate("window.__marker") == 1
