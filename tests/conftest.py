from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.personas import TODAY, World, build_world

# Playwright's page fixture runs an event loop; the ORM in the same test needs this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Tests never assert time: on a loaded 2-core CI machine Hypothesis's 200 ms deadline and its
# "too slow" health check would fail correct code.
hypothesis_settings.register_profile(
    "anlao", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("anlao")

# Every test runs on the same day, whatever day the suite runs: TODAY at 10:00 in the project's
# zone, ticking from there. A test that needs another moment travels on top of this (or
# monkeypatches the clock it reads).
PINNED_NOW = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped area tree once; each test's transaction rolls back above it."""
    from anlao.areas.services import area_tree_load

    with django_db_blocker.unblock():
        area_tree_load(actor=None)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture(autouse=True)
def _english_unless_marked(request, settings):
    """Tests assert on English messages; tests marked ``zh`` see the real default, zh-hans."""
    from django.utils import translation

    if request.node.get_closest_marker("zh"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
