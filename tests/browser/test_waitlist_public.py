"""The public queue page in a real browser: no login, masked data, the "why" page, a phone;
and an officer offering the freed bed from the staff page."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.waitlist import services as s
from tests.browser.conftest import login
from tests.personas import make_elder
from tests.waitlist_fixtures import make_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def queue(world):
    home = make_home(world)
    people = [("张三丰", {"ability_level": 2}), ("李秀英", {"dibao": True, "ability_level": 3}),
              ("王大明", {"birth": dt.date(1955, 1, 1)})]
    apps = []
    for i, (name, extra) in enumerate(people):
        e = make_elder(world.community_a1, name=name, seq=10 + i, **extra)
        apps.append(s.waitlist_apply(actor=world.worker_a1, elder_id=e.pk, facility_id=home.pk,
                                     bed_category="nursing", at=T0 + dt.timedelta(days=i)))
    return home, apps


def test_anyone_sees_the_queue_in_order_with_masked_names_on_a_phone(queue, page, live_server):
    home, _apps = queue
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/waitlist/public/")
    page.click(f"text={home.name}")
    rows = page.locator("#queue-table tbody tr")
    assert rows.count() == 3
    # The dibao household's disabled elder (priority) is first though she applied later.
    assert rows.nth(0).locator("td").nth(1).inner_text() == "李*英"
    assert rows.nth(2).locator("td").nth(1).inner_text() == "王*明"
    assert "张三丰" not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the table scrolls inside its card, not the page


def test_an_applicant_reads_why_they_are_where_they_are(queue, page, live_server):
    home, apps = queue
    page.goto(f"{live_server.url}/waitlist/public/{home.pk}/")
    page.locator(f"tr[data-app='{apps[0].pk}'] a").click()
    assert page.locator("#why strong").first.inner_text() == "2"
    moves = page.locator("#moves tbody tr")
    # applied, classed (No. 1), then pushed to No. 2 by the priority applicant.
    assert moves.last.locator("td").nth(3).inner_text() == "2"


def test_an_officer_offers_the_bed_to_the_first_in_line(world, queue, page, live_server):
    home, apps = queue
    login(page, live_server, world.street_officer_a)
    page.goto(f"{live_server.url}/waitlist/facilities/{home.pk}/")
    page.click("#offer-nursing")
    page.wait_for_load_state()
    first = page.locator(f"tr[data-app='{apps[1].pk}']")
    assert first.locator(".badge.text-bg-warning").count() == 1
