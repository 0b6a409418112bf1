"""The orders API: permissions, idempotency and the JSON error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.homecare.models import Order
from tests.api_client import ApiClient
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder, serve

URL = "/api/homecare/orders"


@pytest.fixture
def setup(world):
    today = timezone.localdate()
    active_contract(world, start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
    elder = make_elder(world.community_a1)
    grant(elder, 50000, period=today.replace(day=1))
    day = today + dt.timedelta(days=1)
    body = {"elder_id": elder.pk, "item": "BATH-HOME", "date": day.isoformat(),
            "window_start": "09:00", "window_end": "11:00"}
    return world, elder, body


def test_a_partner_creates_an_order_once_per_idempotency_key(setup):
    world, elder, body = setup
    serve(elder, world.partner.organisation)
    api = ApiClient(world.partner)
    api.headers["Idempotency-Key"] = "dev-42"
    first = api.post(URL, body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["channel"] == "partner" and data["price_fen"] == 10000
    assert data["visit_state"] == "unassigned"
    again = api.post(URL, body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Order.objects.count() == 1


def test_an_elder_outside_scope_is_a_404_in_the_error_shape(setup):
    world, _elder, body = setup
    response = ApiClient(world.worker_b1).post(URL, body)
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "field", "errors"}


def test_a_refusal_names_its_code(setup):
    world, _elder, body = setup
    response = ApiClient(world.worker_a1).post(URL, {**body, "item": "MEDICAL-ESCORT"})
    assert response.status_code == 422
    assert response.json()["code"] == "no_contract" and response.json()["field"] == "item"
    bad = ApiClient(world.worker_a1).post(URL, {**body, "window_end": "08:00"})
    assert bad.status_code == 422 and bad.json()["errors"]["window_end"]


def test_a_provider_lists_only_its_own_orders_and_reads_credit(setup):
    world, elder, body = setup
    created = ApiClient(world.worker_a1).post(URL, body).json()
    mine = ApiClient(world.provider_manager).get(URL).json()
    assert [o["id"] for o in mine["results"]] == [created["id"]]
    assert ApiClient(world.other_provider_manager).get(URL).json()["count"] == 0
    assert ApiClient(world.other_provider_manager).get(f"{URL}/{created['id']}").status_code \
        == 404
    credit = ApiClient(world.worker_a1).get(f"/api/homecare/elders/{elder.pk}/credit").json()
    assert (credit["balance_fen"], credit["reserved_fen"], credit["available_fen"]) == (
        50000, 10000, 40000)


def test_cancel_through_the_api(setup):
    world, _elder, body = setup
    created = ApiClient(world.worker_a1).post(URL, body).json()
    response = ApiClient(world.worker_a1).post(f"{URL}/{created['id']}/cancel", {"reason": "x"})
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    again = ApiClient(world.worker_a1).post(f"{URL}/{created['id']}/cancel", {})
    assert again.status_code == 422 and again.json()["code"] == "state"
