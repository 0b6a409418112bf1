"""Provider staff deliver services: they do not open an elder's payment page or the
allowance "why" page; area staff and auditors still do."""

from __future__ import annotations

import pytest
from django.test import Client

from anlao.core.errors import PermissionDenied
from anlao.core.models import AccessLog
from anlao.people import services
from tests.personas import make_elder

pytestmark = pytest.mark.django_db


def _get(user, url: str) -> int:
    c = Client()
    c.force_login(user)
    return c.get(url).status_code


@pytest.mark.parametrize("who", ["caregiver", "provider_manager"])
def test_provider_staff_are_refused_the_payment_page_and_the_why_page(world, who):
    elder = make_elder(world.community_a1)
    user = getattr(world, who)
    assert _get(user, f"/benefits/elders/{elder.pk}/payment/") == 403
    assert _get(user, f"/benefits/explain/?program=x&period=2026-03&elder={elder.pk}") == 403


def test_area_staff_and_auditors_still_open_the_payment_page(world):
    elder = make_elder(world.community_a1)
    assert _get(world.worker_a1, f"/benefits/elders/{elder.pk}/payment/") == 200
    assert _get(world.auditor, f"/benefits/elders/{elder.pk}/payment/") == 200


def test_a_partner_system_does_not_reveal(world):
    elder = make_elder(world.community_a1)
    with pytest.raises(PermissionDenied):
        services.elder_reveal(actor=world.partner, elder_id=elder.pk, field="phone",
                              reason="service")
    assert not AccessLog.objects.exists()
