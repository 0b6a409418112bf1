"""Each role lands on its own work after login (issue 20): the caregiver on today's route, the
assessor on their queue, the hotline on the alarm queue; the others on the dashboard."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import assessment_personas
from tests.personas import PASSWORD

LANDINGS = {
    "caregiver": "homecare:my_route",
    "assessor_1": "assessments:list",
    "hotline_a": "alarms:queue",
    "worker_a1": "home",
    "street_officer_a": "home",
    "district_officer": "home",
    "city_admin": "home",
    "provider_manager": "home",
    "auditor": "home",
}


@pytest.mark.parametrize(("username", "landing"), LANDINGS.items())
def test_each_role_lands_on_its_own_work(world, username, landing):
    assessment_personas.build(world)
    client = Client()
    resp = client.post(reverse("login"), {"username": username, "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.8")
    assert resp.status_code == 302
    assert resp.url == reverse(landing)
    assert client.get(resp.url).status_code == 200


def test_a_next_address_still_wins(world):
    client = Client()
    resp = client.post(reverse("login") + "?next=/elders/",
                       {"username": "caregiver", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert resp.url == "/elders/"
