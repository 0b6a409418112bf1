"""The family portal on a phone: sign in with the texted code, book a service, see it."""

from __future__ import annotations

import re

import pytest

from anlao.people.models import Contact
from anlao.portal.models import OutboxMessage
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_family_signs_in_with_a_code_and_books_a_bath(world, page, live_server):
    from django.utils import timezone

    mother = make_elder(world.community_a1, name="张桂兰", seq=1)
    Contact.objects.create(elder=mother, name="张伟", relation="child", phone="13955550001")
    active_contract(world)
    grant(mother, 30000, period=timezone.localdate().replace(day=1))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/portal/")
    page.fill("#id_phone", "13955550001")
    page.click("#send-code")
    page.wait_for_url(re.compile(r"/portal/code/"))
    code = re.search(r"\d{6}", OutboxMessage.objects.get().text).group()
    page.fill("#id_code", code)
    page.click("#sign-in")
    page.wait_for_url(re.compile(rf"/portal/elders/{mother.pk}/"))
    assert "300.00" in page.inner_text("#credit")
    page.click("text=Order a service")
    from anlao.homecare.models import ServiceItem

    page.select_option("#id_item", value=str(ServiceItem.objects.get(code="BATH-HOME").pk))
    page.click("#place-order")
    page.wait_for_url(re.compile(rf"/portal/elders/{mother.pk}/$"))
    assert "The service is booked" in page.inner_text("main")
    assert page.locator("#upcoming li").count() == 1
    # the page fits a phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
