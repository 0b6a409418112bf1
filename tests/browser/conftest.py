"""Shared browser-test helpers: log a persona in through the real login form.

Usage in a browser test::

    @pytest.mark.browser
    def test_it_lists_elders(world, logged_in, page, live_server):
        logged_in(world.worker_a1)          # or logged_in("worker_a1")
        page.goto(live_server.url + "/elders/")
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from anlao.accounts.models import User
from tests.personas import PASSWORD


def login(page, live_server, user: User | str, password: str = PASSWORD) -> None:
    """Fill and submit the login form, then wait until the browser has left the login page."""
    username = user if isinstance(user, str) else user.username
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def logged_in(page, live_server) -> Callable[..., None]:
    """A factory: `logged_in(user_or_username)` logs that persona in on `page`."""

    def _login(user: User | str, password: str = PASSWORD) -> None:
        login(page, live_server, user, password)

    return _login
