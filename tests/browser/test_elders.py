"""The registry pages in a real browser: search and filters, detail, reveal, create errors."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from anlao.core.models import AccessLog
from anlao.people.models import Elder
from tests.personas import make_elder

pytestmark = pytest.mark.browser


@pytest.fixture
def registry(world):
    return {
        "zhang": make_elder(world.community_a1, name="张桂兰", seq=1, phone="13811110001",
                            dibao=True),
        "li": make_elder(world.community_a2, name="李德明", seq=2, male=True,
                         phone="13822220002", birth=dt.date(1930, 5, 5)),
        "zhao": make_elder(world.community_b1, name="赵秀珍", seq=3, phone="13833330003"),
    }


def results(page):
    return page.locator("#elder-results table tbody")


def test_the_list_searches_and_filters_without_a_reload(world, registry, logged_in, page,
                                                        live_server):
    logged_in(world.street_officer_a)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/elders/")
    expect(results(page)).to_contain_text("张桂兰")
    expect(results(page)).to_contain_text("李德明")
    expect(results(page)).not_to_contain_text("赵秀珍")  # street B is out of scope
    page.evaluate("window.__marker = 1")  # survives only if the page is not reloaded

    page.fill("#id_q", "0002")  # phone tail
    page.press("#id_q", "Enter")
    expect(results(page)).not_to_contain_text("张桂兰")
    expect(results(page)).to_contain_text("李德明")
    expect(page).to_have_url(live_server.url + "/elders/?q=0002")

    page.fill("#id_q", "")
    page.select_option("#id_category", "dibao")
    expect(results(page)).not_to_contain_text("李德明")
    expect(results(page)).to_contain_text("张桂兰")
    assert page.evaluate("window.__marker") == 1


def test_choosing_a_street_narrows_the_community_select(world, registry, logged_in, page,
                                                        live_server):
    logged_in(world.district_officer)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/elders/")
    expect(results(page)).to_contain_text("赵秀珍")
    before = page.locator("#id_community option").count()
    page.select_option("#id_street", world.street_b.code)
    expect(results(page)).not_to_contain_text("张桂兰")
    expect(page.locator("#id_community option")).not_to_have_count(before)
    page.select_option("#id_community", world.community_b1.code)
    expect(page).to_have_url(
        f"{live_server.url}/elders/?street={world.street_b.code}&community={world.community_b1.code}")
    expect(results(page)).to_contain_text("赵秀珍")


def test_the_list_works_as_cards_on_a_phone(world, registry, logged_in, page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    logged_in(world.worker_a1)
    page.goto(live_server.url + "/elders/")
    card = page.locator(".elder-cards").get_by_text("张桂兰")
    expect(card).to_be_visible()
    expect(page.locator("#elder-results table")).to_be_hidden()
    card.click()
    expect(page).to_have_url(live_server.url + f"/elders/{registry['zhang'].pk}/")


def test_the_detail_reveals_the_id_number_and_logs_the_access(world, registry, logged_in, page,
                                                              live_server):
    elder = registry["zhang"]
    logged_in(world.worker_a1)
    page.goto(live_server.url + f"/elders/{elder.pk}/")
    slot = page.locator("#reveal-id_number")
    expect(slot).to_contain_text(elder.masked_id_number)
    expect(page.locator("body")).not_to_contain_text(elder.id_number)
    slot.locator("summary").click()
    slot.locator("select[name=reason]").select_option("verification")
    slot.locator("input[name=note]").fill("上门核实身份")
    slot.get_by_role("button").click()
    expect(page.locator("[data-revealed=id_number]")).to_have_text(elder.id_number)
    log = AccessLog.objects.get()
    assert (log.actor_id, log.entity_id, log.field, log.reason) == (
        world.worker_a1.pk, str(elder.pk), "id_number", "verification: 上门核实身份")


def test_a_detail_out_of_scope_is_not_found(world, registry, logged_in, page, live_server):
    logged_in(world.worker_a1)
    response = page.goto(live_server.url + f"/elders/{registry['zhao'].pk}/")
    assert response.status == 404


def test_create_with_a_bad_id_number_shows_the_error_and_keeps_the_input(world, logged_in, page,
                                                                         live_server):
    logged_in(world.worker_a1)
    page.goto(live_server.url + "/elders/new/")
    page.fill("#id_name", "李建国")
    page.fill("#id_id_number", "110105194912310021")  # wrong check digit
    page.fill("#id_phone", "13900001111")
    page.click("button[type=submit].btn-anlao")
    expect(page.locator("#id_id_number")).to_have_class(lambda_contains("is-invalid"))
    feedback = page.locator("#id_id_number ~ .invalid-feedback")
    expect(feedback).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("李建国")
    assert not Elder.objects.exists()

    page.fill("#id_id_number", "11010519491231002X")
    page.click("button[type=submit].btn-anlao")
    expect(page.locator("h1")).to_contain_text("李建国")
    assert Elder.objects.get().id_number == "11010519491231002X"


def lambda_contains(css_class: str):
    import re

    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")
