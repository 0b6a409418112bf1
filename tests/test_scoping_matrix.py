"""The matrix: every scoped page and endpoint refuses an actor of another community, street,
district or provider exactly as it refuses a record that does not exist (404; or 403 for every
record alike when the role lacks the permission), so existence does not leak.

The first part walks every elder page; the second tries each role of each district against
one record of each kind on both sides of the district line (tests/scoping_objects.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

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
    body = {"field": "phone", "reason": "verification", "note": "核对", "status": "moved_out",
            "date": "2026-01-01"}
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
    """Where one record of a kind shows. A page or list is a url name (given the record's id
    if it takes one) or an API path, with a query that may name the record's ``{id}`` or its
    side's ``{provider}`` (``"homecare:team?provider={id}"``)."""

    pages: tuple[str, ...]  # pages showing one record
    endpoints: tuple[str, ...] = ()  # API paths of one record
    lists: tuple[str, ...] = ()  # list pages
    api_lists: tuple[str, ...] = ()  # API list paths; each row has the record's id
    owners: tuple[str, ...] = ()  # 拱墅区 personas who see the 拱墅区 record (西湖区 alike)
    posts: tuple[tuple[str, dict], ...] = ()  # actions on one record (page or API path)


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
    "provider": Kind(("homecare:team?provider={id}", "homecare:settlements?provider={id}"), (),
                     ("homecare:team", "homecare:contract_new", "homecare:anomalies",
                      "homecare:settlements"), (), ("district_officer", "provider_manager")),
    "team": Kind(("homecare:team_profile?provider={provider}",), (),
                 ("homecare:team?provider={provider}",), (),
                 ("district_officer", "provider_manager"),
                 (("homecare:team_profile?provider={provider}", {"skills": "nursing"}),
                  ("homecare:team_leave?provider={provider}",
                   {"start": "2026-12-01", "end": "2026-12-02"}))),
    "order": Kind(("homecare:order",), ("/api/homecare/orders/{id}",), ("homecare:index",),
                  ("/api/homecare/orders",), ("district_officer", "worker_a1", "provider_manager"),
                  (("homecare:order_cancel", {"reason": "x"}),)),
    "visit": Kind(("homecare:route_visit",), (), ("homecare:my_route", "homecare:index"),
                  ("/api/homecare/route",), ("caregiver",)),
    "anomaly": Kind((), (), ("homecare:anomalies",), ("/api/homecare/anomalies",),
                    ("district_officer", "provider_manager"),
                    (("homecare:anomaly_review", {"decision": "accept"}),
                     ("/api/homecare/anomalies/{id}/review", {"decision": "accept"}))),
    "settlement": Kind(("homecare:settlement",), (), ("homecare:settlements",), (),
                       ("district_officer", "provider_manager"),
                       (("homecare:settlement_approve", {}),)),
    "run": Kind(("benefits:run", "benefits:run_progress"), ("/api/benefits/runs/{id}",),
                ("benefits:runs",), ("/api/benefits/runs",), ("district_officer",),
                (("/benefits/runs/{id}/review/", {}),)),
    "payment": Kind(("benefits:run", "/benefits/runs/{id}/files/csv/"), (), (), (),
                    ("district_officer",), (("benefits:run_return", {}),)),
    "overpayment": Kind((), (), ("benefits:overpayments",), (), ("district_officer",),
                        (("benefits:overpayments", {"id": "{id}", "status": "written_off",
                                                    "recovered": "0", "note": "x"}),)),
    "check": Kind(("benefits:run_checks",), ("/api/benefits/runs/{id}/findings",), (), (),
                  ("district_officer",),
                  (("benefits:run_checks", {"id": "{sub}", "status": "confirmed",
                                            "note": "x"}),)),
}
# the same role in 拱墅区 and in 西湖区
PAIRS = {"district_officer": "xihu_officer", "worker_a1": "xihu_worker",
         "provider_manager": "xihu_provider_manager", "caregiver": "xihu_caregiver"}
ACTORS = [(home, "away") for home in PAIRS] + [(away, "home") for away in PAIRS.values()]


def _both(world: World, kind: str) -> dict[str, Built]:
    return {name: BUILDERS[kind](world, side) for name, side in sides(world).items()}


def _url(spec: str, record: Built, missing: bool = False) -> str:
    pk = record.pk + 10_000 if missing else record.pk
    spec = spec.format(id=pk, provider=record.provider, sub=record.sub)
    if spec.startswith("/"):
        return spec
    name, mark, query = spec.partition("?")
    try:
        path = reverse(name, args=[pk])
    except NoReverseMatch:
        path = reverse(name)
    return path + mark + query


def _rows(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def _data(data: dict, record: Built, missing: bool = False) -> dict:
    """A form naming the record (``{id}``, ``{sub}``), or a record that does not exist."""
    shift = 10_000 if missing else 0
    return {k: v.format(id=record.pk + shift, sub=record.sub + shift) for k, v in data.items()}


def _like_missing(client: Client, method: str, url: str, missing: str, marker: str,
                  data: dict | None = None, missing_data: dict | None = None) -> None:
    """The same answer as for a record that does not exist, and nothing of the record."""
    kwargs = {"content_type": "application/json"} if url.startswith("/api/") and data else {}
    response = getattr(client, method)(url, data or {}, **kwargs)
    absent = getattr(client, method)(missing, missing_data or data or {}, **kwargs)
    assert response.status_code == absent.status_code, (url, response.status_code)
    assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
    assert marker not in response.content.decode(), url
    if url.startswith("/api/"):
        assert response.json() == absent.json(), url


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("who", "target"), ACTORS)
def test_a_record_of_the_other_district_answers_like_a_missing_one(world, kind, who, target):
    record = _both(world, kind)[target]
    client = _client(world, who)
    for spec in KINDS[kind].pages + KINDS[kind].endpoints:
        _like_missing(client, "get", _url(spec, record), _url(spec, record, missing=True),
                      record.marker)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [k for k in KINDS if KINDS[k].posts])
@pytest.mark.parametrize(("who", "target"), ACTORS)
def test_an_action_on_the_other_districts_record_answers_like_a_missing_one(world, kind, who,
                                                                           target):
    record = _both(world, kind)[target]
    client = _client(world, who)
    for spec, data in KINDS[kind].posts:
        _like_missing(client, "post", _url(spec, record), _url(spec, record, missing=True),
                      record.marker, _data(data, record), _data(data, record, missing=True))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("who", "target"), ACTORS)
def test_lists_leave_out_the_other_district(world, kind, who, target):
    built = _both(world, kind)
    record, own = built[target], built["home" if target == "away" else "away"]
    client = _client(world, who)
    for name in KINDS[kind].lists:  # as the actor opens them: naming their own side
        page = client.get(_url(name, own))
        assert page.status_code in (200, 403, 404), (name, page.status_code)
        assert record.marker not in page.content.decode(), name
    for path in KINDS[kind].api_lists:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            assert record.pk not in {row["id"] for row in _rows(response)}, path


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_district_sees_its_own_records(world, kind):
    """The refusals above mean something: the same roles do see their own side's record."""
    built = _both(world, kind)
    k = KINDS[kind]
    for home in k.owners:
        for who, record in ((home, built["home"]), (PAIRS[home], built["away"])):
            client = _client(world, who)
            if k.pages:
                page = client.get(_url(k.pages[0], record))
                assert page.status_code == 200, (who, kind)
                assert record.marker in page.content.decode(), (who, kind)
            if k.lists:
                listed = client.get(_url(k.lists[0], record)).content.decode()
                assert record.marker in listed, (who, kind)
            if k.api_lists:
                rows = _rows(client.get(k.api_lists[0]))
                assert record.pk in {row["id"] for row in rows}, (who, kind)
