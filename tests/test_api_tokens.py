"""accounts/tokens.py: create, revoke, list, authenticate — and the create_api_token command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from anlao.accounts.models import ApiToken, hash_token
from anlao.accounts.tokens import (
    MAX_ACTIVE_TOKENS,
    token_authenticate,
    token_create,
    token_revoke,
    tokens_for,
)
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog


def test_it_stores_only_the_hash(world):
    token, raw = token_create(actor=world.worker_a1, name="手机")
    assert raw.startswith("anl_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in stored.key_hash
    assert stored.prefix == raw[:8]


def test_creating_a_token_is_audited(world):
    token, raw = token_create(actor=world.worker_a1, name="手机")
    row = AuditLog.objects.get(action="api_token.create")
    assert row.entity_id == str(token.pk) and raw not in str(row.after)


def test_it_refuses_an_empty_name(world):
    with pytest.raises(ValidationFailed) as exc:
        token_create(actor=world.worker_a1, name="  ")
    assert exc.value.field == "name"


def test_it_caps_the_active_tokens(world):
    for i in range(MAX_ACTIVE_TOKENS):
        token_create(actor=world.worker_a1, name=f"t{i}")
    with pytest.raises(ValidationFailed):
        token_create(actor=world.worker_a1, name="one too many")


def test_it_authenticates_the_owner(world):
    _token, raw = token_create(actor=world.worker_a1, name="t")
    assert token_authenticate(raw) == world.worker_a1
    assert token_authenticate(raw + "x") is None
    assert token_authenticate("") is None


def test_a_user_revokes_their_own_token(world):
    token, raw = token_create(actor=world.worker_a1, name="t")
    token_revoke(actor=world.worker_a1, token_id=token.pk)
    assert token_authenticate(raw) is None
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1


def test_revoking_twice_is_harmless(world):
    token, _raw = token_create(actor=world.worker_a1, name="t")
    token_revoke(actor=world.worker_a1, token_id=token.pk)
    token_revoke(actor=world.worker_a1, token_id=token.pk)
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1


def test_a_user_cannot_revoke_another_users_token(world):
    token, raw = token_create(actor=world.worker_a1, name="t")
    with pytest.raises(NotFound):
        token_revoke(actor=world.worker_b1, token_id=token.pk)
    assert token_authenticate(raw) == world.worker_a1


def test_tokens_for_lists_only_ones_own(world):
    token_create(actor=world.worker_a1, name="a")
    token_create(actor=world.worker_b1, name="b")
    assert [t.name for t in tokens_for(world.worker_a1)] == ["a"]


def test_an_inactive_user_cannot_create_tokens(world):
    world.worker_a1.is_active = False
    with pytest.raises(PermissionDenied):
        token_create(actor=world.worker_a1, name="t")


def test_the_command_prints_a_working_token(world):
    out = io.StringIO()
    call_command("create_api_token", "worker_a1", "--name", "脚本", stdout=out)
    raw = out.getvalue().strip()
    assert token_authenticate(raw) == world.worker_a1


def test_the_command_refuses_an_unknown_user(world):
    with pytest.raises(CommandError):
        call_command("create_api_token", "ghost", stdout=io.StringIO())
