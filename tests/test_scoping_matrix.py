"""The matrix: every scoped page and endpoint refuses an actor of another community, street,
district or provider exactly as it refuses a record that does not exist (404; or 403 for every
record alike when the role lacks the permission), so existence does not leak.

The first part walks every elder page; the second tries each role of each district against
one record of each kind on both sides of the district line (tests/scoping_objects.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World, make_elder, serve
from tests.scoping_objects import BUILDERS, Built, sides

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
OUTSIDERS = ["worker_a2", "worker_b1", "street_officer_b", "other_provider_manager", "nobody",
             "xihu_officer", "xihu_worker", "xihu_provider_manager", "xihu_caregiver"]
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


# --- two districts: each role, each kind of record ------------------------------------------

@dataclass(frozen=True)
class Kind:
    pages: tuple[str, ...]  # url names of pages showing one record (by pk)
    endpoints: tuple[str, ...] = ()  # API paths of one record
    lists: tuple[str, ...] = ()  # url names of list pages
    api_lists: tuple[str, ...] = ()  # API list paths; each row has the record's id
    owners: tuple[str, ...] = ()  # 拱墅区 personas who see the 拱墅区 record (西湖区 alike)


KINDS = {
    "elder": Kind(("people:detail", "people:edit"), ("/api/elders/{id}",), ("people:list",),
                  ("/api/elders",), ("district_officer", "worker_a1", "provider_manager")),
    "facility": Kind(("facilities:detail", "facilities:edit"), ("/api/facilities/{id}",),
                     ("facilities:list",), ("/api/facilities",),
                     ("district_officer", "worker_a1", "provider_manager", "caregiver")),
    "finding": Kind(("facilities:detail",), ("/api/facilities/{id}",),
                    ("facilities:compliance",), (), ("district_officer", "provider_manager")),
    "alarm": Kind(("alarms:detail",), ("/api/alarms/{id}",), ("alarms:queue",),
                  ("/api/alarms",), ("district_officer", "worker_a1")),
}
# the same role in 拱墅区 and in 西湖区
PAIRS = {"district_officer": "xihu_officer", "worker_a1": "xihu_worker",
         "provider_manager": "xihu_provider_manager", "caregiver": "xihu_caregiver"}
ACTORS = [(home, "away") for home in PAIRS] + [(away, "home") for away in PAIRS.values()]


def _both(world: World, kind: str) -> dict[str, Built]:
    return {name: BUILDERS[kind](world, side) for name, side in sides(world).items()}


def _refused_like_missing(client: Client, url: str, missing: str, marker: str) -> None:
    response, absent = client.get(url), client.get(missing)
    assert response.status_code in (403, 404), (url, response.status_code)
    assert response.status_code == absent.status_code, url
    assert marker not in response.content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("who", "target"), ACTORS)
def test_a_record_of_the_other_district_answers_like_a_missing_one(world, kind, who, target):
    record = _both(world, kind)[target]
    client = _client(world, who)
    for name in KINDS[kind].pages:
        _refused_like_missing(client, reverse(name, args=[record.pk]),
                              reverse(name, args=[record.pk + 10_000]), record.marker)
    for path in KINDS[kind].endpoints:
        url, missing = path.format(id=record.pk), path.format(id=record.pk + 10_000)
        _refused_like_missing(client, url, missing, record.marker)
        assert client.get(url).json() == client.get(missing).json(), url


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("who", "target"), ACTORS)
def test_lists_leave_out_the_other_district(world, kind, who, target):
    record = _both(world, kind)[target]
    client = _client(world, who)
    for name in KINDS[kind].lists:
        page = client.get(reverse(name))
        assert page.status_code in (200, 403), (name, page.status_code)
        assert record.marker not in page.content.decode(), name
    for path in KINDS[kind].api_lists:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            assert record.pk not in {row["id"] for row in response.json()["results"]}, path


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_district_sees_its_own_records(world, kind):
    """The refusals above mean something: the same roles do see their own side's record."""
    built = _both(world, kind)
    for home in KINDS[kind].owners:
        for who, record in ((home, built["home"]), (PAIRS[home], built["away"])):
            client = _client(world, who)
            page = client.get(reverse(KINDS[kind].pages[0], args=[record.pk]))
            assert page.status_code == 200, (who, kind)
            assert record.marker in page.content.decode(), (who, kind)
            if KINDS[kind].lists:
                listed = client.get(reverse(KINDS[kind].lists[0])).content.decode()
                assert record.marker in listed, (who, kind)
