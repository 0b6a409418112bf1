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


def test_one_user_from_many_addresses_is_locked_after_twenty(client, world, settings):
    for i in range(20):
        client.post(reverse("login"), {"username": "worker_a1", "password": "wrong"},
                    REMOTE_ADDR=f"10.1.0.{i + 1}")
    resp = client.post(reverse("login"), {"username": "worker_a1", "password": PASSWORD},
                       REMOTE_ADDR="10.1.1.1")
    assert resp.status_code == 429


def test_one_password_sprayed_over_many_users_locks_the_address(client, world):
    for i in range(30):
        client.post(reverse("login"), {"username": f"nobody{i}", "password": "Spring2026!"},
                    REMOTE_ADDR="10.2.0.9")
    resp = client.post(reverse("login"), {"username": "worker_a1", "password": PASSWORD},
                       REMOTE_ADDR="10.2.0.9")
    assert resp.status_code == 429
    # another address still signs in
    resp = client.post(reverse("login"), {"username": "worker_a1", "password": PASSWORD},
                       REMOTE_ADDR="10.2.0.10")
    assert resp.status_code == 302


def test_a_few_failures_from_many_addresses_do_not_lock(client, world):
    for i in range(19):
        client.post(reverse("login"), {"username": "worker_a1", "password": "wrong"},
                    REMOTE_ADDR=f"10.3.0.{i + 1}")
    assert _login(client, "worker_a1", PASSWORD).status_code == 302
