"""One credit figure, one meaning: the portal and the staff page agree (issue 20)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anlao.credit import selectors as credit
from anlao.people.models import Contact
from anlao.portal import services
from anlao.portal.models import OutboxMessage
from tests.homecare_fixtures import active_contract, grant
from tests.personas import make_elder

PHONE = "13955550001"


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def test_the_portal_and_the_staff_page_show_the_same_available_and_held(client, world):
    mother = make_elder(world.community_a1, name="张桂兰", seq=1)
    Contact.objects.create(elder=mother, name="张伟", relation="child", phone=PHONE)
    active_contract(world)
    today = timezone.localdate()
    grant(mother, 40000, period=today.replace(day=1))
    services.portal_request_code(phone=PHONE)
    code = re.search(r"\d{6}", OutboxMessage.objects.first().text).group()
    client.post(reverse("portal:code"), {"phone": PHONE, "code": code})
    form = client.get(reverse("portal:order", args=[mother.pk]))
    bath = next(i for i in form.context["items"] if i.code == "BATH-HOME")
    client.post(reverse("portal:order", args=[mother.pk]), {
        "item": str(bath.pk), "date": (today + dt.timedelta(days=1)).isoformat(),
        "window": "08:00-10:00", "note": "", "token": "t1"})
    held = credit.reserved(mother.pk, today)
    available = credit.available(mother.pk, today, "")
    assert held > 0 and available == 40000 - held

    portal = client.get(reverse("portal:elder", args=[mother.pk])).content.decode()
    staff = Client()
    staff.force_login(world.worker_a1)
    page = staff.get(reverse("homecare:credit", args=[mother.pk])).content.decode()
    for body in (portal, page):
        shown = re.search(r'id="credit-available"[^>]*>([^<]*)<', body).group(1)
        assert _yuan(available) in shown.replace("¥", ""), shown
        held_shown = re.search(r'id="credit-held"[^>]*>([^<]*)<', body).group(1)
        assert _yuan(held) in held_shown.replace("¥", ""), held_shown
