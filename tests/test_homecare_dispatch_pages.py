"""Dispatcher endpoints: who may open them, what they answer, and how refusals read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.homecare.dispatch.services import dispatch_plan_day
from anlao.homecare.models import DispatchPlan, Visit
from tests.dispatch_fixtures import DAY, NOW, east, make_item, make_profile, make_visit

pytestmark = pytest.mark.django_db

PAGE = reverse("homecare:dispatch")
JSON = reverse("homecare:dispatch_json")


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """The views use the real clock; pin it to the evening before DAY."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def planned(world):
    profile = make_profile(world, "李芳")
    visits = [make_visit(world, at=east(km), name=f"张{km}") for km in (1, 2)]
    loose = make_visit(world, at=east(1), item=make_item(skill="nursing"), name="无人管")
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY, now=NOW)
    return profile, [Visit.objects.get(pk=v.pk) for v in visits], Visit.objects.get(pk=loose.pk)


def test_the_manager_sees_kpis_routes_and_unassigned_reasons(client, world, planned):
    response = client_for(client, world.provider_manager).get(PAGE, {"date": DAY.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="kpi-visits">3<' in html and 'id="kpi-served">2<' in html
    assert 'id="kpi-unassigned">1<' in html
    assert "No caregiver on duty has the required skill." in html
    assert "李芳" in html and "张1" in html
    assert 'id="dispatch-map-data"' in html


def test_the_json_endpoint_has_the_plan_shape(client, world, planned):
    profile, _visits, loose = planned
    data = client_for(client, world.provider_manager).get(JSON, {"date": DAY.isoformat()}).json()
    assert set(data) == {"date", "kpi", "routes", "unassigned"}
    assert data["kpi"]["visits"] == 3 and data["kpi"]["served"] == 2
    assert data["kpi"]["travel_seconds"] > 0
    route = next(r for r in data["routes"] if r["caregiver"] == profile.pk)
    assert [v["sequence"] for v in route["visits"]] == [1, 2]
    assert set(route["visits"][0]) >= {"id", "version", "start", "end", "pinned", "window"}
    assert data["unassigned"][0]["id"] == loose.pk and data["unassigned"][0]["reason"]


def test_an_empty_day_says_so(client, world):
    make_profile(world)
    response = client_for(client, world.provider_manager).get(PAGE, {"date": DAY.isoformat()})
    assert response.status_code == 200
    assert 'id="dispatch-empty"' in response.content.decode()


def test_a_bad_date_falls_back_to_today(client, world):
    response = client_for(client, world.provider_manager).get(PAGE, {"date": "2026-13-45"})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["caregiver", "worker_a1", "district_officer", "hotline_a",
                                 "auditor"])
def test_other_roles_are_refused(client, world, who, planned):
    c = client_for(client, getattr(world, who))
    assert c.get(PAGE).status_code == 403
    assert c.get(JSON).status_code == 403
    v = planned[1][0]
    assert c.post(reverse("homecare:dispatch_pin", args=[v.pk]),
                  {"version": v.version, "date": DAY.isoformat()}).status_code == 403
    assert Visit.objects.get(pk=v.pk).pinned is False


def test_another_providers_manager_sees_only_their_own_empty_day(client, world, planned):
    c = client_for(client, world.other_provider_manager)
    data = c.get(JSON, {"date": DAY.isoformat()}).json()
    assert data["kpi"]["visits"] == 0 and data["routes"] == []
    v = planned[1][0]
    response = c.post(reverse("homecare:dispatch_pin", args=[v.pk]),
                      {"version": v.version, "date": DAY.isoformat()})
    assert response.status_code == 404
    assert Visit.objects.get(pk=v.pk).pinned is False


def test_pin_then_a_stale_second_pin_gets_the_conflict_message(client, world, planned):
    c = client_for(client, world.provider_manager)
    v = planned[1][0]
    url = reverse("homecare:dispatch_pin", args=[v.pk])
    first = c.post(url, {"version": v.version, "date": DAY.isoformat()})
    assert first.status_code == 302 and f"#visit-{v.pk}" in first["Location"]
    second = c.post(url, {"version": v.version, "date": DAY.isoformat()}, follow=True)
    assert "This visit was changed by someone else; reload." in second.content.decode()
    assert Visit.objects.get(pk=v.pk).version == v.version + 1


def test_move_and_replan_through_the_page(client, world, planned):
    _profile, visits, _loose = planned
    other = make_profile(world, "赵敏", home=east(2))
    c = client_for(client, world.provider_manager)
    v = visits[1]
    response = c.post(reverse("homecare:dispatch_move", args=[v.pk]),
                      {"version": v.version, "date": DAY.isoformat(), "caregiver": other.pk,
                       "start": "15:00"}, follow=True)
    assert "Visit moved and the day re-planned." in response.content.decode()
    moved = Visit.objects.get(pk=v.pk)
    assert (moved.caregiver_id, moved.pinned) == (other.pk, True)
    replan = c.post(reverse("homecare:dispatch_replan"), {"date": DAY.isoformat()}, follow=True)
    assert "re-planned" in replan.content.decode()
    assert Visit.objects.get(pk=v.pk).planned_start == moved.planned_start


def test_a_bad_move_time_is_refused_with_a_message(client, world, planned):
    v = planned[1][0]
    response = client_for(client, world.provider_manager).post(
        reverse("homecare:dispatch_move", args=[v.pk]),
        {"version": v.version, "date": DAY.isoformat(), "caregiver": planned[0].pk,
         "start": "25:99"}, follow=True)
    assert "Enter the start time as HH:MM." in response.content.decode()
    assert Visit.objects.get(pk=v.pk).version == v.version


def test_replanning_a_past_day_is_refused(client, world, planned):
    past = DAY - dt.timedelta(days=3)
    response = client_for(client, world.provider_manager).post(
        reverse("homecare:dispatch_replan"), {"date": past.isoformat()}, follow=True)
    assert "A day in the past cannot be planned." in response.content.decode()
    assert not DispatchPlan.objects.filter(date=past).exists()


def test_get_is_not_allowed_on_writes(client, world, planned):
    c = client_for(client, world.provider_manager)
    assert c.get(reverse("homecare:dispatch_replan")).status_code == 405
