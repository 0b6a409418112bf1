"""A second order for the same elder, item, date and window asks first (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anlao.homecare.models import Order
from tests.api_client import ApiClient
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder

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


def test_the_api_answers_409_for_a_duplicate_unless_confirmed(setup):
    world, _elder, body = setup
    api = ApiClient(world.worker_a1)
    assert api.post(URL, {**body, "idempotency_key": "form-1"}).status_code == 201
    second = api.post(URL, {**body, "idempotency_key": "form-2"})
    assert second.status_code == 409 and second.json()["code"] == "duplicate_order"
    assert Order.objects.count() == 1
    confirmed = api.post(URL, {**body, "idempotency_key": "form-2", "confirm_duplicate": True})
    assert confirmed.status_code == 201 and Order.objects.count() == 2
    other_window = api.post(URL, {**body, "window_start": "14:00", "window_end": "16:00"})
    assert other_window.status_code == 201


def test_the_form_warns_and_books_the_second_order_only_when_confirmed(setup):
    world, elder, body = setup
    c = Client()
    c.force_login(world.worker_a1)
    form = {"elder": str(elder.pk), "item": "BATH-HOME", "date": body["date"],
            "window_start": "09:00", "window_end": "11:00", "channel": "community"}
    assert c.post("/homecare/orders/new/", {**form, "key": "a"}).status_code == 302
    again = c.post("/homecare/orders/new/", {**form, "key": "b"})
    assert again.status_code in (200, 409) and Order.objects.count() == 1
    page = again.content.decode()
    assert 'name="confirm_duplicate"' in page
    done = c.post("/homecare/orders/new/", {**form, "key": "b", "confirm_duplicate": "1"})
    assert done.status_code == 302 and Order.objects.count() == 2
