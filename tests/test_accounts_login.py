"""Login, lockout after five failures (django-axes), logout by POST only."""

from __future__ import annotations

from django.urls import reverse

from tests.personas import PASSWORD


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.7")


def test_the_login_page_renders_with_a_language_switch(client, db):
    resp = client.get(reverse("login"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html
    assert reverse("set_language") in html


def test_it_logs_in_with_the_right_password(client, world):
    resp = _login(client, "worker_a1", PASSWORD)
    assert resp.status_code == 302 and resp.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_shows_an_error_and_no_session(client, world):
    resp = _login(client, "worker_a1", "not-the-password")
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    assert client.get(reverse("home")).status_code == 302


def test_it_locks_out_after_five_failures(client, world):
    for _ in range(5):
        _login(client, "worker_a1", "not-the-password")
    resp = _login(client, "worker_a1", PASSWORD)  # even the right password is refused now
    assert resp.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in resp.templates]
    assert 'id="locked-out"' in resp.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_four_failures_do_not_lock(client, world):
    for _ in range(4):
        _login(client, "worker_a1", "not-the-password")
    assert _login(client, "worker_a1", PASSWORD).status_code == 302


def test_logout_needs_post(client, world):
    client.force_login(world.worker_a1)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    resp = client.post(reverse("logout"))
    assert resp.status_code == 302 and resp.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_an_anonymous_visitor_is_sent_to_login(client, db):
    resp = client.get(reverse("home"))
    assert resp.status_code == 302 and resp.url.startswith(reverse("login"))
