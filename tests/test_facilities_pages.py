"""Facility pages and API: permission per area and facility, response shape, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.facilities.models import Room, Stay
from tests.api_client import ApiClient
from tests.personas import TODAY, make_elder, make_id_number
from tests.test_facilities_services import make_facility

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def two(world):
    a = make_facility(world, area=world.community_a1, operator=world.provider)
    b = make_facility(world, area=world.community_b1, operator=world.other_provider)
    b.name = "祥符护理院"
    b.save()
    return a, b


def test_a_street_officer_lists_only_their_streets_facilities(world, two):
    body = client_for(world.street_officer_a).get("/facilities/").content.decode()
    assert "拱宸养老院" in body and "祥符护理院" not in body


def test_another_streets_facility_detail_answers_404(world, two):
    c = client_for(world.street_officer_a)
    assert c.get(f"/facilities/{two[0].pk}/").status_code == 200
    assert c.get(f"/facilities/{two[1].pk}/").status_code == 404


def test_facility_staff_see_their_own_facility_and_not_the_other(world, two):
    c = client_for(world.caregiver)
    assert c.get(f"/facilities/{two[0].pk}/").status_code == 200
    assert c.get(f"/facilities/{two[1].pk}/").status_code == 404


def test_a_user_without_facility_view_is_refused(world, two, django_user_model):
    from anlao.core.roles import Role
    assessor = django_user_model.objects.create_user("assessor1", role=Role.ASSESSOR)
    assert client_for(assessor).get("/facilities/").status_code == 403
    assert client_for(assessor).get("/facilities/map/").status_code == 403


def test_map_page_carries_points_with_free_beds(world, two):
    f = two[0]
    f.lat, f.lng = 30.32, 120.14
    f.save()
    body = client_for(world.street_officer_a).get("/facilities/map/").content.decode()
    assert 'id="facility-map-data"' in body and '"free": 3' in body
    assert "祥符护理院" not in body


def test_admitting_through_the_page_to_a_full_facility_shows_why_and_changes_nothing(world):
    f = make_facility(world, general=0, nursing=1)
    first = make_elder(world.community_a1, seq=1)
    second = make_elder(world.community_a1, seq=2)
    c = client_for(world.street_officer_a)
    today = TODAY.isoformat()
    c.post(f"/facilities/{f.pk}/admit/", {"id_number": first.id_number,
                                          "bed_category": "nursing", "on": today})
    r = c.post(f"/facilities/{f.pk}/admit/", {"id_number": second.id_number,
                                              "bed_category": "nursing", "on": today},
               follow=True)
    assert "no free nursing bed" in r.content.decode()
    assert Stay.objects.filter(facility=f).count() == 1
    assert Room.objects.get(facility=f, label="201").occupied == 1


def test_an_unknown_id_number_is_refused_on_the_admission_form(world):
    f = make_facility(world)
    r = client_for(world.street_officer_a).post(
        f"/facilities/{f.pk}/admit/", {"id_number": make_id_number(dt.date(1940, 1, 1)),
                                       "bed_category": "general", "on": "2025-01-01"},
        follow=True)
    assert "No elder with this ID number" in r.content.decode()
    assert not Stay.objects.exists()


def test_compliance_page_lists_findings_per_street(world, two):
    body = client_for(world.district_officer).get("/facilities/compliance/").content.decode()
    assert 'id="area-table"' in body and "Nursing-bed share" in body


def test_export_contains_only_facilities_in_scope(world, two):
    import io

    from openpyxl import load_workbook
    r = client_for(world.street_officer_a).get("/facilities/export.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    names = [row[0] for row in rows[2:]]
    assert names == ["拱宸养老院"]


def test_api_lists_detail_and_refuses_out_of_scope(world, two):
    api = ApiClient(world.street_officer_a)
    listed = api.get("/api/facilities").json()
    assert [r["name"] for r in listed["results"]] == ["拱宸养老院"]
    assert listed["results"][0]["free"] == 3
    detail = api.get(f"/api/facilities/{two[0].pk}").json()
    assert detail["beds"]["nursing_beds"] == 1
    assert api.get(f"/api/facilities/{two[1].pk}").status_code == 404


def test_api_admit_full_answers_422_with_code(world):
    f = make_facility(world, general=1, nursing=0)
    api = ApiClient(world.street_officer_a)
    e1, e2 = make_elder(world.community_a1, seq=1), make_elder(world.community_a1, seq=2)
    body = {"bed_category": "general", "on": "2025-01-02"}
    assert api.post(f"/api/facilities/{f.pk}/admit", {**body, "elder_id": e1.pk}
                    ).status_code == 201
    r = api.post(f"/api/facilities/{f.pk}/admit", {**body, "elder_id": e2.pk})
    assert r.status_code == 422 and r.json()["code"] == "facility_full"
    out = api.post(f"/api/facilities/{f.pk}/discharge", {"elder_id": e1.pk,
                                                          "on": "2025-01-05"})
    assert out.status_code == 200 and out.json()["discharged_on"] == "2025-01-05"


def test_compliance_per_street_shows_beds_and_nursing_share(world, two):
    from anlao.facilities.selectors import findings_by_area
    rows = findings_by_area(actor=world.district_officer)
    by_street = {r["area"].code: r for r in rows}
    assert set(by_street) == {world.street_a.code, world.street_b.code}
    assert by_street[world.street_a.code]["beds"] == 3
    assert by_street[world.street_a.code]["nursing_share"] == 33.3
    assert [r["area"] for r in findings_by_area(actor=world.street_officer_a)] == [world.street_a]
    assert [r["area"] for r in findings_by_area(actor=world.caregiver)] == [world.street_a]
