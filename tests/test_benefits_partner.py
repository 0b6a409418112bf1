"""The partner's face-recognition endpoint (生存认证): report only, once per key, own area."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.benefits.models import LifeVerification
from anlao.core.models import AuditLog
from tests.api_client import ApiClient
from tests.personas import make_elder

URL = "/api/benefits/life-verifications/face"


@pytest.fixture
def town(world):
    """张桂兰 lives in A1 (street A); 慧眼 (other_partner) serves street B only."""
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    org = world.other_partner.organisation
    org.area = world.street_b
    org.save()
    return world


def body(elder, key="msg-0001", **extra):
    return {"id_number": elder.id_number, "method": "face", "result": "pass",
            "at": "2026-05-07T09:30:00+08:00", "reference": "FR-2026-0001",
            "idempotency_key": key, "score": "0.93", **extra}


def test_a_partner_reports_a_match_and_gets_no_elder_data_back(town):
    answer = ApiClient(town.partner).post(URL, body(town.zhang))
    assert answer.status_code == 201
    row = LifeVerification.objects.get()
    assert answer.json() == {"verification_id": row.pk, "verified_on": "2026-05-07",
                             "recorded": True, "duplicate": False}
    assert (row.elder_id, row.method, row.partner_id, row.verified_on, row.reference) == (
        town.zhang.pk, "face", town.partner.organisation_id, dt.date(2026, 5, 7),
        "FR-2026-0001")
    assert AuditLog.objects.filter(action="life_verification.partner_report").count() == 1


def test_a_repeated_message_makes_one_verification(town):
    client = ApiClient(town.partner)
    first = client.post(URL, body(town.zhang))
    again = client.post(URL, body(town.zhang))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert again.json()["verification_id"] == first.json()["verification_id"]
    assert client.post(URL, body(town.zhang, key="msg-0002")).status_code == 201
    assert LifeVerification.objects.count() == 2


def test_the_same_key_from_another_partner_is_another_message(town):
    town.other_partner.organisation.area = town.district
    town.other_partner.organisation.save()
    assert ApiClient(town.partner).post(URL, body(town.zhang)).status_code == 201
    assert ApiClient(town.other_partner).post(URL, body(town.zhang)).status_code == 201


def test_an_elder_outside_the_partners_area_answers_like_an_unknown_one(town):
    outside = ApiClient(town.other_partner).post(URL, body(town.zhang))
    unknown = ApiClient(town.partner).post(URL, body(town.zhang, id_number="11010519491231002X"))
    assert outside.status_code == unknown.status_code == 404
    assert outside.json()["code"] == unknown.json()["code"]
    assert not LifeVerification.objects.exists()


def test_an_unknown_token_is_refused_with_401(town):
    assert ApiClient(raw="anl_not-a-real-token").post(URL, body(town.zhang)).status_code == 401
    assert ApiClient().post(URL, body(town.zhang)).status_code == 401


def test_a_partner_may_not_read_elders(town):
    client = ApiClient(town.partner)
    assert client.get("/api/benefits/explain", program="gongshu-80-89", period="2026-05",
                      elder_id=town.zhang.pk).status_code in (403, 404)
    assert client.get(f"/api/elders/{town.zhang.pk}").status_code in (403, 404)
    listing = client.get("/api/elders")
    assert listing.status_code == 403 or listing.json()["count"] == 0


@pytest.mark.parametrize("change, field", [
    ({"method": "video"}, "method"),
    ({"result": "maybe"}, "result"),
    ({"at": "2099-05-07T09:30:00+08:00"}, "at"),
    ({"score": "0.5"}, "score"),
    ({"id_number": "330105194003051234"}, "id_number"),
])
def test_bad_reports_are_refused_and_record_nothing(town, change, field):
    answer = ApiClient(town.partner).post(URL, body(town.zhang, **change))
    assert answer.status_code == 422 and field in answer.json()["errors"]
    assert not LifeVerification.objects.exists()


def test_a_failed_match_records_no_verification(town):
    answer = ApiClient(town.partner).post(URL, body(town.zhang, result="fail"))
    assert answer.status_code == 200 and answer.json()["recorded"] is False
    assert not LifeVerification.objects.exists()
    assert AuditLog.objects.filter(action="life_verification.partner_fail").count() == 1


def test_a_partners_report_counts_for_the_run(town, settings, tmp_path):
    from anlao.benefits.engine.frame import load_frame
    from anlao.core.periods import parse_month
    from anlao.people.models import Elder

    ApiClient(town.partner).post(URL, body(town.zhang))
    frame = load_frame(Elder.objects.filter(pk=town.zhang.pk))
    assert frame.get_column("last_verified").to_list() == [parse_month("2026-05").replace(
        day=7)]
