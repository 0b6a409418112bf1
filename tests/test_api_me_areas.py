"""GET /api/me and GET /api/areas."""

from __future__ import annotations

from tests.api_client import ApiClient


def test_me_shows_role_jurisdiction_and_permissions(world):
    body = ApiClient(world.worker_a1).get("/api/me").json()
    assert body["role"] == "community_worker"
    assert body["role_label"] == "community worker"
    assert body["jurisdiction"] == [world.community_a1.code]
    assert "elder.write" in body["permissions"] and "audit.view" not in body["permissions"]
    assert body["organisation"] is None


def test_me_shows_the_organisation_of_provider_staff(world):
    body = ApiClient(world.caregiver).get("/api/me").json()
    assert body["organisation"]["name"] == world.provider.name
    assert body["jurisdiction"] == []
    assert "elder.write" not in body["permissions"]


def test_me_says_everywhere_for_a_superuser(world):
    assert ApiClient(world.root).get("/api/me").json()["jurisdiction"] is None


def test_areas_are_cut_to_the_jurisdiction(world):
    rows = ApiClient(world.street_officer_a).get("/api/areas").json()
    codes = {row["code"] for row in rows}
    assert world.street_a.code in codes and world.community_a2.code in codes
    assert world.street_b.code not in codes and world.district.code not in codes
    a2 = next(row for row in rows if row["code"] == world.community_a2.code)
    assert a2 == {"code": world.community_a2.code, "name": world.community_a2.name,
                  "level": "community", "parent_code": world.street_a.code}


def test_areas_filter_by_level(world):
    rows = ApiClient(world.district_officer).get("/api/areas", level="street").json()
    assert len(rows) == 10 and {row["level"] for row in rows} == {"street"}


def test_a_user_without_jurisdiction_gets_no_areas(world):
    assert ApiClient(world.nobody).get("/api/areas").json() == []
