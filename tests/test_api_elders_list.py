"""GET /api/elders: scoped, filtered, paged, masked."""

from __future__ import annotations

import datetime as dt

from tests.api_client import ApiClient
from tests.personas import make_elder, serve


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def _three(world):
    a1 = make_elder(world.community_a1, name="甲一", seq=1)
    a2 = make_elder(world.community_a2, name="甲二", seq=2)
    b1 = make_elder(world.community_b1, name="乙一", seq=3)
    return a1, a2, b1


def test_a_community_worker_sees_only_their_community(world):
    _three(world)
    r = ApiClient(world.worker_a1).get("/api/elders")
    assert r.status_code == 200
    assert _names(r) == {"甲一"}
    assert r.json()["count"] == 1


def test_a_street_officer_sees_the_whole_street(world):
    _three(world)
    assert _names(ApiClient(world.street_officer_a).get("/api/elders")) == {"甲一", "甲二"}


def test_a_caregiver_sees_only_the_elders_their_organisation_serves(world):
    a1, _a2, b1 = _three(world)
    serve(b1, world.provider)
    serve(a1, world.other_provider)
    assert _names(ApiClient(world.caregiver).get("/api/elders")) == {"乙一"}


def test_a_user_without_jurisdiction_sees_nothing(world):
    _three(world)
    r = ApiClient(world.nobody).get("/api/elders")
    assert r.status_code == 200
    assert r.json() == {"count": 0, "page": 1, "page_size": 50, "pages": 0, "results": []}


def test_it_pages_with_a_total_count(world):
    for seq in range(1, 6):
        make_elder(world.community_a1, name=f"老人{seq}", seq=seq)
    client = ApiClient(world.worker_a1)
    first = client.get("/api/elders", page=1, page_size=2).json()
    last = client.get("/api/elders", page=3, page_size=2).json()
    assert (first["count"], first["pages"], len(first["results"])) == (5, 3, 2)
    assert (last["page"], len(last["results"])) == (3, 1)
    beyond = client.get("/api/elders", page=4, page_size=2).json()
    assert beyond["results"] == [] and beyond["count"] == 5


def test_pages_do_not_overlap(world):
    for seq in range(1, 6):
        make_elder(world.community_a1, name=f"老人{seq}", seq=seq)
    client = ApiClient(world.worker_a1)
    ids = [row["id"] for p in (1, 2, 3)
           for row in client.get("/api/elders", page=p, page_size=2).json()["results"]]
    assert len(ids) == len(set(ids)) == 5


def test_it_masks_id_numbers_and_phones(world):
    elder = make_elder(world.community_a1)
    row = ApiClient(world.worker_a1).get("/api/elders").json()["results"][0]
    assert row["id_number_masked"] == elder.id_number[:6] + "********" + elder.id_number[-4:]
    assert row["phone_masked"] == "138****5678"
    assert elder.id_number not in str(row) and "13812345678" not in str(row)


def test_it_shapes_a_row_with_community_street_and_age(world):
    make_elder(world.community_a1, birth=dt.date(1940, 3, 5), dibao=True)
    row = ApiClient(world.worker_a1).get("/api/elders").json()["results"][0]
    assert row["community"]["code"] == world.community_a1.code
    assert row["street"]["code"] == world.street_a.code
    assert row["categories"] == ["dibao"]
    assert 80 <= row["age"] <= 120  # completed years; the exact value depends on today


def test_it_filters_by_community_and_street(world):
    _three(world)
    client = ApiClient(world.street_officer_a)
    assert _names(client.get("/api/elders", community=world.community_a2.code)) == {"甲二"}
    assert _names(client.get("/api/elders", street=world.street_a.code)) == {"甲一", "甲二"}


def test_a_filter_cannot_widen_the_scope(world):
    _three(world)
    r = ApiClient(world.worker_a1).get("/api/elders", street=world.street_b.code)
    assert r.json()["count"] == 0


def test_it_filters_by_category_search_and_status(world):
    a1, a2, _b1 = _three(world)
    a2.dibao = True
    a2.save()
    client = ApiClient(world.street_officer_a)
    assert _names(client.get("/api/elders", category="dibao")) == {"甲二"}
    assert _names(client.get("/api/elders", q="甲一")) == {"甲一"}
    assert _names(client.get("/api/elders", q=a1.id_number[-4:])) == {"甲一"}
    a1.status = "deceased"
    a1.save()
    assert _names(client.get("/api/elders")) == {"甲二"}
    assert _names(client.get("/api/elders", status="deceased")) == {"甲一"}
    assert _names(client.get("/api/elders", status="all")) == {"甲一", "甲二"}


def test_it_filters_by_age_band_and_living_situation(world):
    make_elder(world.community_a1, name="年轻", birth=dt.date(1960, 1, 2), seq=1,
               living_situation="lives_alone")
    make_elder(world.community_a1, name="年长", birth=dt.date(1925, 1, 2), seq=2)
    client = ApiClient(world.worker_a1)
    assert _names(client.get("/api/elders", age_band="100+")) == {"年长"}
    assert _names(client.get("/api/elders", living_situation="lives_alone")) == {"年轻"}
    assert _names(client.get("/api/elders", category="alone")) == {"年轻"}


def test_a_page_costs_the_same_queries_for_few_or_many_rows(world, django_assert_max_num_queries):
    for seq in range(1, 41):
        make_elder(world.community_a1, name=f"老人{seq}", seq=seq)
    client = ApiClient(world.worker_a1)
    client.get("/api/me")  # the token's first use writes last_used_at; keep that out
    with django_assert_max_num_queries(6):
        r = client.get("/api/elders", page_size=40)
    assert len(r.json()["results"]) == 40
