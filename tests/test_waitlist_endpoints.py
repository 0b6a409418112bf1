"""Waitlist pages and API: permissions per role, area and facility; response shape."""

from __future__ import annotations

import pytest
from django.test import Client

from anlao.waitlist import services as s
from anlao.waitlist.models import WaitlistApplication, WaitlistEvent
from tests.api_client import ApiClient
from tests.personas import make_elder
from tests.waitlist_fixtures import make_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(world):
    return make_home(world)


@pytest.fixture
def app(world, home):
    e = make_elder(world.community_a1, name="张三丰", seq=3, ability_level=2, dibao=True)
    return s.waitlist_apply(actor=world.worker_a1, elder_id=e.pk, facility_id=home.pk,
                            bed_category="nursing")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_public_queue_needs_no_login_and_shows_only_masked_data(world, home, app):
    r = Client().get(f"/waitlist/public/{home.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "张*丰" in body and "张三丰" not in body
    assert app.elder.id_number not in body and app.elder.id_number[-4:] in body


def test_the_public_why_page_explains_class_and_place(world, home, app):
    r = Client(headers={"Accept-Language": "en"}).get(f"/waitlist/public/{home.pk}/{app.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "dibao household" in body and "Queue number" in body


def test_a_private_home_or_a_foreign_application_has_no_public_page(world, home, app):
    other = make_home(world, name="另一院")
    assert Client().get(f"/waitlist/public/{other.pk}/{app.pk}/").status_code == 404
    assert Client().get("/waitlist/public/999999/").status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("street_officer_a", 200), ("provider_manager", 200), ("district_officer", 200),
    ("street_officer_b", 404), ("other_provider_manager", 404)])
def test_the_staff_queue_is_scoped_by_area_and_operator(world, home, app, who, status):
    r = login(getattr(world, who)).get(f"/waitlist/facilities/{home.pk}/")
    assert r.status_code == status


def test_the_staff_pages_answer_403_without_the_permission(world):
    assert login(world.caregiver).get("/waitlist/").status_code == 403


def test_the_application_page_shows_the_full_name_to_staff_in_scope(world, app):
    r = login(world.worker_a1).get(f"/waitlist/applications/{app.pk}/")
    assert r.status_code == 200 and "张三丰" in r.content.decode()
    assert login(world.worker_b1).get(f"/waitlist/applications/{app.pk}/").status_code == 404


def test_applying_twice_on_the_page_shows_the_error_and_changes_nothing(world, home, app):
    n = WaitlistEvent.objects.count()
    r = login(world.worker_a1).post("/waitlist/apply/", {
        "elder": app.elder_id, "facility": home.pk, "bed_category": "nursing"},
        headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "already on the waitlist" in r.content.decode()
    assert WaitlistEvent.objects.count() == n


def test_offering_from_the_facility_page_goes_to_the_first_in_line(world, home, app):
    r = login(world.provider_manager).post(f"/waitlist/facilities/{home.pk}/offer/",
                                           {"bed_category": "nursing"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "offered"


def test_a_community_worker_cannot_offer_a_bed(world, home, app):
    r = login(world.worker_a1).post(f"/waitlist/applications/{app.pk}/offer/")
    assert r.status_code == 403
    assert WaitlistApplication.objects.get(pk=app.pk).status == "waiting"


def test_the_api_queue_has_the_documented_shape(world, home, app):
    r = ApiClient(world.street_officer_a).get(f"/api/waitlist/facilities/{home.pk}/queue")
    assert r.status_code == 200
    (row,) = r.json()
    assert row["position"] == 1 and row["class_code"] == "priority"
    assert row["masked_name"] == "张*丰" and "张三丰" not in r.content.decode()
    assert ApiClient(world.street_officer_b).get(
        f"/api/waitlist/facilities/{home.pk}/queue").status_code == 404


def test_the_api_refuses_an_offer_to_someone_not_first(world, home, app):
    later = make_elder(world.community_a1, name="李四", seq=4, ability_level=1)
    second = s.waitlist_apply(actor=world.worker_a1, elder_id=later.pk, facility_id=home.pk,
                              bed_category="nursing")
    r = ApiClient(world.provider_manager).post(f"/api/waitlist/applications/{second.pk}/offer")
    assert r.status_code >= 400 and r.json()["code"] == "not_first"
    assert WaitlistApplication.objects.get(pk=second.pk).status == "waiting"


def test_the_api_applies_and_explains(world, home):
    e = make_elder(world.community_a1, name="赵六", seq=6, extreme_poverty=True)
    r = ApiClient(world.worker_a1).post("/api/waitlist/applications", {
        "elder_id": e.pk, "facility_id": home.pk, "bed_category": "general"})
    assert r.status_code == 201
    body = r.json()
    assert (body["class_code"], body["position"]) == ("extreme_poverty", 1)
    assert [ev["kind"] for ev in body["events"]] == ["applied", "class_set"]
