"""The dispatcher in Chromium, desktop and phone: open the day, pin a visit, re-plan after the
situation changed, and find the pinned visit unchanged. No console errors (CSP: no inline JS)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlao.homecare.dispatch.services import dispatch_plan_day
from anlao.homecare.models import Visit
from tests.dispatch_fixtures import east, make_profile, make_visit

pytestmark = pytest.mark.browser


@pytest.fixture
def day(world):
    """Tomorrow: one caregiver, three visits, already planned."""
    when = timezone.localdate() + dt.timedelta(days=1)
    first = make_profile(world, "李芳")
    visits = [make_visit(world, at=east(km), day=when, name=name)
              for km, name in ((1, "张秀英"), (2, "王桂兰"), (3, "赵玉珍"))]
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=when)
    return when, first, visits


@pytest.mark.parametrize("size", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_a_pinned_visit_survives_a_replan(world, day, logged_in, page, live_server, size):
    when, first, visits = day
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size(size)
    logged_in(world.provider_manager)
    page.goto(f"{live_server.url}/homecare/dispatch/?date={when.isoformat()}")
    expect(page.locator("#kpi-visits")).to_have_text("3")
    expect(page.locator("#dispatch-map .stop-icon")).to_have_count(3)
    expect(page.locator(".timeline-bar")).to_have_count(3)

    target = Visit.objects.get(pk=visits[2].pk)
    row = page.locator(f"#visit-{target.pk}")
    time_before = row.locator(".visit-time").inner_text()
    row.locator(".pin-button").click()
    expect(page.locator(".alert-success")).to_contain_text("Visit pinned.")
    expect(page.locator(f"#visit-{target.pk} .pin-mark")).to_have_count(1)

    # a second caregiver living right next to the pinned visit joins: without the pin, the
    # re-plan would hand it over
    make_profile(world, "赵敏", home=east(3))
    page.locator("#replan").click()
    expect(page.locator(".alert-success")).to_contain_text("re-planned")
    card = page.locator(f".route-card[data-caregiver='{first.pk}']")
    expect(card.locator(f"#visit-{target.pk}")).to_have_count(1)
    expect(card.locator(f"#visit-{target.pk} .visit-time")).to_have_text(time_before)
    after = Visit.objects.get(pk=target.pk)
    assert (after.caregiver_id, after.planned_start, after.pinned) == \
        (first.pk, target.planned_start, True)
    expect(page.locator(".timeline-row[data-caregiver]")).to_have_count(2)
    assert errors == []


def test_a_stale_page_gets_the_conflict_message(world, day, logged_in, page, live_server):
    when, _first, visits = day
    logged_in(world.provider_manager)
    page.goto(f"{live_server.url}/homecare/dispatch/?date={when.isoformat()}")
    target = visits[0]
    # someone else pins it after this page was loaded
    v = Visit.objects.get(pk=target.pk)
    Visit.objects.filter(pk=v.pk).update(version=v.version + 1)
    page.locator(f"#visit-{target.pk} .pin-button").click()
    expect(page.locator(".alert-danger")).to_contain_text(
        "This visit was changed by someone else; reload.")
    assert Visit.objects.get(pk=target.pk).pinned is False


def test_an_empty_day_shows_the_empty_state(world, logged_in, page, live_server):
    make_profile(world)
    when = timezone.localdate() + dt.timedelta(days=2)
    logged_in(world.provider_manager)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/homecare/dispatch/?date={when.isoformat()}")
    expect(page.locator("#dispatch-empty")).to_contain_text("No visits are ordered for this day.")
    expect(page.locator("#replan")).to_have_count(0)
