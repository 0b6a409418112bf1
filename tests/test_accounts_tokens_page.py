"""The API tokens page: the raw token is shown once, revoking works, others' tokens are 404."""

from __future__ import annotations

from django.urls import reverse

from anlao.accounts.models import ApiToken
from anlao.accounts.tokens import token_create


def test_creating_shows_the_raw_token_once(client, world):
    client.force_login(world.worker_a1)
    resp = client.post(reverse("api_tokens"), {"name": "sync"})
    assert resp.status_code == 200
    raw = resp.context["raw_token"]
    token = ApiToken.objects.get(user=world.worker_a1)
    assert raw.startswith(token.prefix) and raw in resp.content.decode()
    assert resp["Cache-Control"] == "no-store"
    again = client.get(reverse("api_tokens")).content.decode()
    assert raw not in again and token.prefix in again


def test_an_empty_name_is_refused(client, world):
    client.force_login(world.worker_a1)
    resp = client.post(reverse("api_tokens"), {"name": "  "})
    assert resp.status_code == 200 and resp.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_marks_the_token(client, world):
    token, _raw = token_create(actor=world.worker_a1, name="sync")
    client.force_login(world.worker_a1)
    resp = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert resp.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(reverse("api_tokens")).content.decode()
    assert reverse("api_token_revoke", args=[token.pk]) not in page  # no second revoke button


def test_it_refuses_to_revoke_another_users_token(client, world):
    token, _raw = token_create(actor=world.worker_b1, name="theirs")
    client.force_login(world.worker_a1)
    resp = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert resp.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lists_only_ones_own_tokens(client, world):
    token_create(actor=world.worker_b1, name="their-token")
    client.force_login(world.worker_a1)
    assert "their-token" not in client.get(reverse("api_tokens")).content.decode()
