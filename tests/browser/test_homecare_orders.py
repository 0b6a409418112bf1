"""A community worker places a home-care order through the form on a phone-sized screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.homecare.models import Order
from tests.browser.conftest import login
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_worker_orders_bathing_for_an_elder_on_a_phone(world, page, live_server):
    today = timezone.localdate()
    active_contract(world, start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
    elder = make_elder(world.community_a1, name="钱秀珍")
    grant(elder, 5000, period=today.replace(day=1))
    day = today + dt.timedelta(days=3)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, world.worker_a1)
    page.goto(f"{live_server.url}/homecare/")
    page.click("#new-order")
    page.fill("#elder-q", "钱秀珍")
    page.keyboard.press("Enter")
    page.click("#elder-results a")
    page.wait_for_selector("#chosen-elder")
    page.select_option("#f-item", "BATH-HOME")
    page.fill("#f-date", day.isoformat())
    page.fill("#f-ws", "09:00")
    page.fill("#f-we", "08:00")  # before the start: refused, nothing stored
    page.click("#submit-order")
    page.wait_for_selector(".invalid-feedback")
    assert "must end after it starts" in page.inner_text("#order-form")
    assert not Order.objects.exists()
    page.fill("#f-we", "11:00")
    page.click("#submit-order")
    page.wait_for_url(lambda url: "/homecare/orders/" in url and "/new/" not in url)
    order = Order.objects.get()
    assert (order.elder_id, order.credit_fen, order.copay_fen) == (elder.pk, 5000, 5000)
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "¥50.00" in body
    # no horizontal scrolling on the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
