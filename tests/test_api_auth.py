"""Who may call the API: bearer tokens, the browser session, and everyone else (401)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from anlao.accounts.models import ApiToken
from anlao.accounts.tokens import token_create, token_revoke
from tests.api_client import ApiClient
from tests.personas import make_elder

ERROR_KEYS = {"code", "message", "field", "errors"}


def test_it_accepts_a_bearer_token(world):
    r = ApiClient(world.worker_a1).get("/api/me")
    assert r.status_code == 200
    assert r.json()["username"] == "worker_a1"


def test_it_refuses_a_request_without_credentials(world):
    r = ApiClient().get("/api/elders")
    assert r.status_code == 401
    assert set(r.json()) == ERROR_KEYS
    assert r.json()["code"] == "unauthorized"


def test_it_refuses_a_bad_token(world):
    r = ApiClient(raw="anl_not-a-real-token").get("/api/me")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


def test_it_refuses_a_token_without_the_prefix(world):
    assert ApiClient(raw="garbage").get("/api/me").status_code == 401


def test_it_refuses_a_revoked_token(world):
    client = ApiClient(world.worker_a1)
    assert client.get("/api/me").status_code == 200
    token = ApiToken.objects.get(user=world.worker_a1)
    token_revoke(actor=world.worker_a1, token_id=token.pk)
    assert client.get("/api/me").status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(world):
    client = ApiClient(world.worker_a1)
    world.worker_a1.is_active = False
    world.worker_a1.save(update_fields=["is_active"])
    assert client.get("/api/me").status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(world):
    client = Client()
    client.force_login(world.worker_a1)
    r = client.get("/api/me", headers={"Authorization": "Bearer anl_wrong"})
    assert r.status_code == 401


def test_it_accepts_the_browser_session_for_reads(world):
    client = Client()
    client.force_login(world.worker_a1)
    r = client.get("/api/me")
    assert r.status_code == 200
    assert r.json()["username"] == "worker_a1"


def test_a_session_write_needs_the_csrf_token(world):
    elder = make_elder(world.community_a1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker_a1)
    r = client.post(f"/api/elders/{elder.pk}/reveal",
                    {"field": "phone", "reason": "service", "note": "回访"},
                    content_type="application/json")
    assert r.status_code == 403
    assert r.json()["code"] == "csrf_failed"


def test_a_session_write_with_the_csrf_token_passes(world):
    elder = make_elder(world.community_a1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker_a1)
    secret = "a" * 32  # what the browser got from the csrftoken cookie
    client.cookies["csrftoken"] = secret
    r = client.post(f"/api/elders/{elder.pk}/reveal",
                    {"field": "phone", "reason": "service", "note": "回访"},
                    content_type="application/json", headers={"X-CSRFToken": secret})
    assert r.status_code == 200
    assert r.json()["value"] == "13812345678"


def test_it_records_when_a_token_was_last_used(world):
    client = ApiClient(world.worker_a1)
    token = ApiToken.objects.get(user=world.worker_a1)
    assert token.last_used_at is None
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_writes_last_used_at_at_most_once_a_minute(world):
    client = ApiClient(world.worker_a1)
    recent = timezone.now() - dt.timedelta(seconds=10)
    ApiToken.objects.filter(user=world.worker_a1).update(last_used_at=recent)
    client.get("/api/me")
    assert ApiToken.objects.get(user=world.worker_a1).last_used_at == recent


def test_the_token_of_one_user_never_authenticates_another(world):
    _token, raw = token_create(actor=world.worker_b1, name="b1")
    r = ApiClient(raw=raw).get("/api/me")
    assert r.json()["username"] == "worker_b1"
