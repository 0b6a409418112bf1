"""The workforce API: scoped reads, masked personal data, claim lines with explanations."""

import datetime as dt

from anlao.workforce import services
from tests.api_client import ApiClient
from tests.workforce_fixtures import employ, make_caregiver, make_facility


def _staff(world):
    f = make_facility(world, world.community_a1)
    c = make_caregiver(world.community_a1, name="王丽", level="level4")
    employ(c, f, dt.date(2023, 1, 1))
    return c


def test_caregivers_come_masked_and_scoped(world):
    c = _staff(world)
    rows = ApiClient(world.street_officer_a).get("/api/workforce/caregivers").json()["results"]
    assert rows == [{"id": c.pk, "name": "王丽", "id_number_masked": c.id_number[:6] + "********"
                     + c.id_number[-4:], "phone_masked": "138****1234",
                     "area_code": world.community_a1.code}]
    assert ApiClient(world.street_officer_b).get("/api/workforce/caregivers").json()["count"] == 0


def test_a_claim_comes_with_its_explained_lines(world):
    _staff(world)
    b = services.batch_create(actor=world.district_officer, year=2025, quarter=4,
                              area_id=world.district.pk)
    services.batch_compute(actor=world.district_officer, batch_id=b.pk)
    body = ApiClient(world.district_officer).get(f"/api/workforce/claims/{b.pk}").json()
    assert body["total_fen"] == 290000
    line = body["lines"][0]
    assert [m["level"] for m in line["explanation"]["months"]] == ["level4"] * 3
    assert line["explanation"]["bonuses"][0]["completed_on"] == "2025-12-31"
    assert ApiClient(world.street_officer_a).get(f"/api/workforce/claims/{b.pk}").status_code == 404


def test_the_kpi_lists_each_level_of_grouping(world):
    _staff(world)
    body = ApiClient(world.district_officer).get("/api/workforce/kpi").json()
    assert set(body) == {"facility", "provider", "street", "district"}
    assert body["district"][0]["percent"] == 100.0
