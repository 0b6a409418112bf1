"""The visits API: a caregiver's app with a token, reviewers' anomaly list, error shapes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anlao.homecare.models import Anomaly, Review, VisitState
from tests.api_client import ApiClient
from tests.visits_fixtures import HOME, build_day, other_caregiver_user

BASE = "/api/homecare"


@pytest.fixture
def day(world):
    return build_day(world, timezone.localdate())


def test_the_caregiver_app_lists_the_route_and_checks_in_and_out(day):
    api = ApiClient(day.world.caregiver)
    route = api.get(f"{BASE}/route").json()
    assert [v["id"] for v in route] == [day.visit.pk]
    assert route[0]["tasks"] == day.item.tasks and day.elder.address != route[0]["address_masked"]
    r = api.post(f"{BASE}/visits/{day.visit.pk}/check-in", {"lat": HOME[0], "lng": HOME[1]})
    assert r.status_code == 200 and r.json()["state"] == VisitState.IN_PROGRESS
    r = api.post(f"{BASE}/visits/{day.visit.pk}/check-out", {"lat": HOME[0], "lng": HOME[1]})
    body = r.json()
    assert body["state"] == VisitState.DONE and body["anomalies"] == ["too_short"]
    assert body["review"] == Review.PENDING


def test_a_second_check_in_is_a_422_with_a_message(day):
    api = ApiClient(day.world.caregiver)
    api.post(f"{BASE}/visits/{day.visit.pk}/check-in", {"lat": HOME[0], "lng": HOME[1]})
    r = api.post(f"{BASE}/visits/{day.visit.pk}/check-in", {"lat": HOME[0], "lng": HOME[1]})
    assert r.status_code == 422 and r.json()["code"] == "conflict"
    assert "already checked in" in r.json()["message"]


def test_an_absurd_position_is_refused_with_the_field(day):
    r = ApiClient(day.world.caregiver).post(f"{BASE}/visits/{day.visit.pk}/check-in",
                                            {"lat": 95, "lng": 120})
    assert r.status_code == 422 and r.json()["field"] == "lat"
    r = ApiClient(day.world.caregiver).post(f"{BASE}/visits/{day.visit.pk}/check-in",
                                            {"lat": 0, "lng": 0})
    assert r.status_code == 422 and r.json()["field"] == "position"
    day.visit.refresh_from_db()
    assert day.visit.check_in_at is None


def test_check_out_before_check_in_has_a_stable_code(day):
    api = ApiClient(day.world.caregiver, lang="zh-hans")
    r = api.post(f"{BASE}/visits/{day.visit.pk}/check-out", {"lat": HOME[0], "lng": HOME[1]})
    assert r.status_code == 422 and r.json()["code"] == "not_checked_in"


def test_another_providers_caregiver_gets_404(day, world):
    api = ApiClient(other_caregiver_user(world))
    r = api.post(f"{BASE}/visits/{day.visit.pk}/check-in", {"lat": HOME[0], "lng": HOME[1]})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api.get(f"{BASE}/route").json() == []


def test_the_code_is_never_returned_to_the_caller(day):
    api = ApiClient(day.world.caregiver)
    api.post(f"{BASE}/visits/{day.visit.pk}/check-in", {"lat": HOME[0], "lng": HOME[1]})
    r = api.post(f"{BASE}/visits/{day.visit.pk}/code")
    assert r.status_code == 200 and list(r.json()) == ["expires_at"]


def test_reviewers_list_and_decide_anomalies(day, world):
    a = Anomaly.objects.create(visit=day.visit, rule="too_short", detail="5 min")
    api = ApiClient(world.street_officer_a)
    page = api.get(f"{BASE}/anomalies", rule="too_short").json()
    assert page["count"] == 1 and page["results"][0]["street"] == world.street_a.code
    r = api.post(f"{BASE}/anomalies/{a.pk}/review", {"decision": "accept"})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert ApiClient(world.street_officer_b).get(f"{BASE}/anomalies", state="all") \
        .json()["count"] == 0


def test_a_worker_and_a_caregiver_cannot_list_or_review(day, world):
    a = Anomaly.objects.create(visit=day.visit, rule="too_short", detail="5 min")
    for user in (world.worker_a1, world.caregiver):
        api = ApiClient(user)
        assert api.get(f"{BASE}/anomalies").status_code == 403
        assert api.post(f"{BASE}/anomalies/{a.pk}/review",
                        {"decision": "accept"}).status_code == 403
    assert Anomaly.objects.get(pk=a.pk).state == "open"
