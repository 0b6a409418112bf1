"""Password change: the service checks, audits and changes nothing on bad input; the page keeps
the session alive."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anlao.accounts.models import User
from anlao.accounts.services import user_password_change
from anlao.core.errors import PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from tests.personas import PASSWORD

NEW = "a-much-longer-secret-77"


def _change(user, old=PASSWORD, new1=NEW, new2=NEW):
    return user_password_change(actor=user, old_password=old, new_password1=new1,
                                new_password2=new2)


def test_it_changes_the_password_and_audits_it(world):
    _change(world.worker_a1)
    user = User.objects.get(pk=world.worker_a1.pk)
    assert user.check_password(NEW)
    row = AuditLog.objects.get(action="user.password_change")
    assert row.actor_id == user.pk and row.entity == "accounts.user"
    assert row.entity_id == str(user.pk)
    # The audit row never holds a password or a hash.
    assert "password" not in (row.before or {}) and "password" not in (row.after or {})


@pytest.mark.parametrize("old,new1,new2,field", [
    ("wrong-password-1", NEW, NEW, "old_password"),
    (PASSWORD, NEW, NEW + "x", "new_password2"),
    (PASSWORD, "short", "short", "new_password1"),
    (PASSWORD, "1234567890123", "1234567890123", "new_password1"),
    (PASSWORD, "password123", "password123", "new_password1"),
    (PASSWORD, "", "", "new_password1"),
])
def test_bad_input_changes_nothing(world, old, new1, new2, field):
    before = User.objects.get(pk=world.worker_a1.pk).password
    with pytest.raises(ValidationFailed) as exc:
        _change(world.worker_a1, old, new1, new2)
    assert field in exc.value.errors
    assert User.objects.get(pk=world.worker_a1.pk).password == before
    assert not AuditLog.objects.filter(action="user.password_change").exists()


def test_it_refuses_an_inactive_user(world):
    world.worker_a1.is_active = False
    with pytest.raises(PermissionDenied):
        _change(world.worker_a1)


def test_the_page_changes_the_password_and_keeps_the_session(client, world):
    client.force_login(world.worker_a1)
    resp = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert resp.status_code == 302 and resp.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # still logged in
    assert User.objects.get(pk=world.worker_a1.pk).check_password(NEW)


def test_the_page_shows_the_error_beside_the_field(client, world):
    client.force_login(world.worker_a1)
    resp = client.post(reverse("password_change"), {
        "old_password": "nope-nope-nope", "new_password1": NEW, "new_password2": NEW})
    assert resp.status_code == 200
    assert resp.context["form"].errors["old_password"]
    assert User.objects.get(pk=world.worker_a1.pk).check_password(PASSWORD)


def test_the_page_needs_a_login(client, world):
    resp = client.get(reverse("password_change"))
    assert resp.status_code == 302 and reverse("login") in resp.url
