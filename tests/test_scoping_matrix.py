"""The matrix: every elder-scoped page and endpoint refuses an actor of another community,
street or provider exactly as it refuses a record that does not exist (404; or 403 for every
record alike when the role lacks the permission), so existence does not leak."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World, make_elder, serve

# (method, url name, extra kwargs) for pages that show or act on one elder
ELDER_PAGES = [
    ("get", "people:detail", {}),
    ("get", "people:edit", {}),
    ("post", "people:reveal", {}),
    ("get", "people:status", {}),
    ("post", "people:contact_add", {}),
    ("post", "people:household_add", {}),
]
ELDER_ENDPOINTS = [
    ("get", "/api/elders/{id}"),
    ("patch", "/api/elders/{id}"),
    ("post", "/api/elders/{id}/reveal"),
    ("post", "/api/elders/{id}/status"),
]
# who must be refused an elder of community A1 (served by `provider`)
OUTSIDERS = ["worker_a2", "worker_b1", "street_officer_b", "other_provider_manager", "nobody"]
INSIDERS = ["worker_a1", "street_officer_a", "district_officer", "city_admin", "auditor",
            "provider_manager", "caregiver"]


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.fixture
def elder_a1(world):
    elder = make_elder(world.community_a1, name="赵桂兰")
    serve(elder, world.provider)
    return elder


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("method", "name", "extra"), ELDER_PAGES)
def test_pages_answer_404_to_actors_outside_scope(world, elder_a1, who, method, name, extra):
    client = _client(world, who)
    data = {"field": "phone", "reason": "核对"}
    url = reverse(name, kwargs={"pk": elder_a1.pk, **extra})
    missing = reverse(name, kwargs={"pk": elder_a1.pk + 10_000, **extra})
    response = getattr(client, method)(url, data)
    assert response.status_code in (403, 404), (who, name, response.status_code)
    assert response.status_code == getattr(client, method)(missing, data).status_code
    assert "赵桂兰" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", INSIDERS)
def test_detail_page_admits_actors_in_scope(world, elder_a1, who):
    response = _client(world, who).get(reverse("people:detail", kwargs={"pk": elder_a1.pk}))
    assert response.status_code == 200, who
    assert "赵桂兰" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), ELDER_ENDPOINTS)
def test_endpoints_answer_404_to_actors_outside_scope(world, elder_a1, who, method, path):
    client = _client(world, who)
    body = {"field": "phone", "reason": "核对", "status": "moved_out", "date": "2026-01-01"}
    response = getattr(client, method)(path.format(id=elder_a1.pk), body,
                                       content_type="application/json")
    missing = getattr(client, method)(path.format(id=elder_a1.pk + 10_000), body,
                                      content_type="application/json")
    assert response.status_code in (403, 404), (who, path, response.status_code)
    assert response.json() == missing.json()
    assert response.status_code == missing.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_lists_do_not_show_elders_outside_scope(world, elder_a1, who):
    client = _client(world, who)
    page = client.get(reverse("people:list"))
    assert page.status_code == 200
    assert "赵桂兰" not in page.content.decode()
    api = client.get("/api/elders")
    assert api.status_code == 200
    assert all(row["id"] != elder_a1.pk for row in api.json()["results"])


@pytest.mark.django_db
def test_search_by_full_id_number_does_not_leak_across_streets(world, elder_a1):
    client = _client(world, "street_officer_b")
    page = client.get(reverse("people:list"), {"q": elder_a1.id_number})
    assert "赵桂兰" not in page.content.decode()
