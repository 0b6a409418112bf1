"""Order, credit, catalog and contract pages: scoping and forms (server side)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anlao.homecare.models import Contract, Order, ServiceItem
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def setup(world):
    today = timezone.localdate()
    active_contract(world, start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
    elder = make_elder(world.community_a1, name="赵桂兰")
    grant(elder, 50000, period=today.replace(day=1))
    return world, elder, today + dt.timedelta(days=2)


def test_a_worker_places_an_order_through_the_form(setup):
    world, elder, day = setup
    c = _client(world.worker_a1)
    page = c.get("/homecare/orders/new/", {"q": "赵桂兰"})
    assert "赵桂兰" in page.content.decode()
    response = c.post("/homecare/orders/new/", {
        "elder": elder.pk, "item": "BATH-HOME", "date": day.isoformat(),
        "window_start": "09:00", "window_end": "11:00", "channel": "community", "key": "f1"})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/homecare/orders/{order.pk}/"
    listing = c.get("/homecare/").content.decode()
    assert "赵桂兰" in listing and "助浴上门" in listing


def test_the_form_shows_the_refusal_and_stores_nothing(setup):
    world, elder, day = setup
    response = _client(world.worker_a1).post("/homecare/orders/new/", {
        "elder": elder.pk, "item": "MEDICAL-ESCORT", "date": day.isoformat(),
        "window_start": "09:00", "window_end": "11:00", "channel": "community"})
    assert response.status_code == 200 and "No provider has an active contract" in \
        response.content.decode()
    assert not Order.objects.exists()


def test_out_of_scope_pages_answer_404(setup):
    world, elder, _day = setup
    c = _client(world.worker_b1)
    assert c.get(f"/homecare/elders/{elder.pk}/credit/").status_code == 404
    contract = Contract.objects.get()
    assert _client(world.other_provider_manager).get(
        f"/homecare/contracts/{contract.pk}/").status_code == 404


def test_the_credit_page_and_the_export_work(setup):
    world, elder, _day = setup
    c = _client(world.worker_a1)
    assert "500.00" in c.get(f"/homecare/elders/{elder.pk}/credit/").content.decode()
    export = c.get("/homecare/orders/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_an_officer_creates_and_activates_a_contract_through_the_pages(setup):
    world, _elder, _day = setup
    c = _client(world.district_officer)
    response = c.post("/homecare/contracts/new/", {
        "number": "HC-NEW", "provider": world.other_provider.pk, "start": "2026-01-01",
        "end": "2026-12-31", "streets": ["330105003000"], "price_BATH-HOME": "95.50"})
    contract = Contract.objects.get(number="HC-NEW")
    assert response.status_code == 302
    assert contract.items.get().price_fen == 9550
    c.post(f"/homecare/contracts/{contract.pk}/state/", {"action": "activate"})
    contract.refresh_from_db()
    assert contract.state == "active"
    assert _client(world.worker_a1).get("/homecare/contracts/new/").status_code == 403


def test_the_catalog_page_lists_items_and_refuses_bad_input(setup):
    world, _elder, _day = setup
    c = _client(world.district_officer)
    assert "助浴上门" in c.get("/homecare/catalog/").content.decode()
    bad = c.post("/homecare/catalog/", {"code": "x", "name": "", "category": "health",
                                        "price_yuan": "1.234"})
    assert "Use 2–32 capital letters" in bad.content.decode()
    assert "The price must be more than 0" in bad.content.decode()
    c.post("/homecare/catalog/", {"code": "FOOT", "name": "足部护理", "category": "health",
                                  "unit": "visit", "standard_minutes": "45", "price_yuan": "55.5"})
    assert ServiceItem.objects.get(code="FOOT").price_fen == 5550
