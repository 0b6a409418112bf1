"""Workforce pages: who may open what (per area and per facility), and what they show."""

import datetime as dt

import pytest

from anlao.workforce import services
from anlao.workforce.models import Caregiver, Certificate
from tests.workforce_fixtures import employ, make_caregiver, make_facility

D = dt.date


@pytest.fixture
def two_streets(world):
    fa = make_facility(world, world.community_a1, operator=world.provider)
    fb = make_facility(world, world.community_b1, name="祥符颐养院")
    world.cg_a = make_caregiver(world.community_a1, name="上塘护理员", level="level3")
    world.cg_b = make_caregiver(world.community_b1, name="祥符护理员")
    employ(world.cg_a, fa, D(2023, 1, 1))
    employ(world.cg_b, fb, D(2024, 1, 1))
    return world


def _client(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_masked_ids_and_only_the_jurisdiction(two_streets, client):
    r = _client(client, two_streets.street_officer_a).get("/workforce/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "上塘护理员" in body and "祥符护理员" not in body
    assert two_streets.cg_a.id_number not in body
    assert two_streets.cg_a.id_number[:6] + "********" in body


def test_a_caregiver_of_another_street_answers_404(two_streets, client):
    c = _client(client, two_streets.street_officer_a)
    assert c.get(f"/workforce/caregivers/{two_streets.cg_b.pk}/").status_code == 404
    assert c.get(f"/workforce/caregivers/{two_streets.cg_a.pk}/").status_code == 200


def test_a_provider_manager_sees_the_own_facility_staff_only(two_streets, client):
    c = _client(client, two_streets.provider_manager)
    assert c.get(f"/workforce/caregivers/{two_streets.cg_a.pk}/").status_code == 200
    assert c.get(f"/workforce/caregivers/{two_streets.cg_b.pk}/").status_code == 404
    assert c.get("/workforce/claims/").status_code == 403


def test_a_worker_without_a_jurisdiction_sees_nobody(two_streets, client):
    body = _client(client, two_streets.nobody).get("/workforce/").content.decode()
    assert "上塘护理员" not in body and "No caregivers match." in body


def test_a_user_without_a_role_is_refused(two_streets, client):
    two_streets.nobody.role = ""
    two_streets.nobody.save()
    assert _client(client, two_streets.nobody).get("/workforce/").status_code == 403


def test_a_future_certificate_from_the_page_is_refused_with_a_message(two_streets, client):
    c = _client(client, two_streets.street_officer_a)
    r = c.post(f"/workforce/caregivers/{two_streets.cg_a.pk}/certificate/",
               {"kind": "skill", "level": "level2", "number": "X", "issuer": "人社局",
                "issued_on": "2999-01-01"}, follow=True)
    assert "dated in the future" in r.content.decode()
    assert Certificate.objects.filter(caregiver=two_streets.cg_a).count() == 1


def test_an_auditor_reads_claims_but_cannot_compute(two_streets, client):
    b = services.batch_create(actor=two_streets.district_officer, year=2025, quarter=4,
                              area_id=two_streets.district.pk)
    c = _client(client, two_streets.auditor)
    assert c.get(f"/workforce/claims/{b.pk}/").status_code == 200
    assert c.post(f"/workforce/claims/{b.pk}/compute/").status_code == 403


def test_a_street_officer_cannot_open_the_district_claim(two_streets, client):
    b = services.batch_create(actor=two_streets.district_officer, year=2025, quarter=4,
                              area_id=two_streets.district.pk)
    c = _client(client, two_streets.street_officer_a)
    assert c.get(f"/workforce/claims/{b.pk}/").status_code == 404


def test_the_kpi_page_shows_the_target_and_each_street(two_streets, client):
    r = _client(client, two_streets.district_officer).get("/workforce/kpi/")
    body = r.content.decode()
    assert "95%" in body and two_streets.street_a.name in body
    assert "kpi-data" in body
    assert Caregiver.objects.count() == 2


def test_the_page_reveals_the_phone_with_a_reason(two_streets, client):
    c = _client(client, two_streets.street_officer_a)
    r = c.post(f"/workforce/caregivers/{two_streets.cg_a.pk}/reveal/",
               {"field": "phone", "reason": "service", "note": "联系排班"})
    assert r.status_code == 200 and "13800001234" in r.content.decode()
    page = c.get(f"/workforce/caregivers/{two_streets.cg_a.pk}/").content.decode()
    assert "13800001234" not in page
