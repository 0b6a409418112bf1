"""The alarms API: partner tokens, idempotent raise (201 then 200), 401/403/404, staff list."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anlao.accounts.tokens import token_revoke
from anlao.alarms.models import Alarm, Device
from tests.alarms_fixtures import elder_with_device, partner_token

URL = "/api/alarms"


def _post(client, path, body, token):
    return client.post(path, body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def token(world):
    elder_with_device(world)
    return partner_token(world.partner)


def _body(**kw):
    return {"device_serial": "W-001", "kind": "sos", "idempotency_key": "msg-1", **kw}


def test_a_partner_raises_an_alarm_once_however_often_it_repeats(client, token):
    first = _post(client, URL, _body(), token)
    again = _post(client, URL, _body(), token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert Alarm.objects.count() == 1


def test_an_unknown_token_is_401_and_changes_nothing(client, token):
    r = _post(client, URL, _body(), "anl_not-a-real-token")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    assert Alarm.objects.count() == 0


def test_a_revoked_token_is_401(client, world, token):
    token_revoke(actor=world.partner, token_id=world.partner.api_tokens.get().pk)
    assert _post(client, URL, _body(), token).status_code == 401


def test_no_token_is_401(client, token):
    r = client.post(URL, _body(), content_type="application/json")
    assert r.status_code == 401


def test_another_partners_device_is_404(client, world, token):
    other = partner_token(world.other_partner)
    r = _post(client, URL, _body(), other)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert Alarm.objects.count() == 0


def test_a_staff_token_cannot_raise_device_alarms(client, world, token):
    staff = partner_token(world.hotline_a)
    assert _post(client, URL, _body(), staff).status_code == 403


def test_bad_input_is_422_with_field_errors(client, token):
    r = _post(client, URL, _body(kind="meteor", idempotency_key=""), token)
    assert r.status_code == 422
    assert {"kind", "idempotency_key"} <= set(r.json()["errors"])
    r = _post(client, URL, _body(lat=120.0, lng=30.0), token)
    assert r.status_code == 422 and "lat" in r.json()["errors"]
    assert Alarm.objects.count() == 0


def test_a_reused_key_for_another_alarm_is_422(client, token):
    _post(client, URL, _body(), token)
    r = _post(client, URL, _body(kind="fall"), token)
    assert r.status_code == 422 and r.json()["code"] == "idempotency_conflict"


def test_heartbeat_and_movement_update_the_device(client, world, token):
    Device.objects.update(last_heartbeat_at=None)
    at = timezone.now().replace(microsecond=0)
    r = _post(client, URL + "/heartbeats", {"device_serial": "W-001", "at": at.isoformat()},
              token)
    assert r.status_code == 200 and r.json()["last_movement_at"] is None
    r = _post(client, URL + "/movements", {"device_serial": "W-001"}, token)
    assert r.status_code == 200 and r.json()["last_movement_at"] is not None
    assert Device.objects.get().last_heartbeat_at >= at
    assert _post(client, URL + "/heartbeats", {"device_serial": "X"}, token).status_code == 404


def test_staff_list_alarms_in_their_scope_only(client, world, token):
    _post(client, URL, _body(), token)
    client.force_login(world.worker_a1)
    rows = client.get(URL).json()
    assert rows["count"] == 1 and rows["results"][0]["state"] == "new"
    assert "*" in rows["results"][0]["elder_name_masked"]
    detail = client.get(f"{URL}/{rows['results'][0]['id']}").json()
    assert [s["action"] for s in detail["steps"]] == ["raised"]
    client.logout()
    client.force_login(world.worker_b1)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{rows['results'][0]['id']}").status_code == 404


def test_the_spec_lists_the_alarm_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/alarms"]) == {"get", "post"}
    assert {"200", "201", "401", "404", "422"} <= set(paths["/api/alarms"]["post"]["responses"])
    assert "post" in paths["/api/alarms/heartbeats"] and "post" in paths["/api/alarms/movements"]
