"""POST /api/elders/{id}/reveal: the full value, and an access-log row."""

from __future__ import annotations

from anlao.core.models import AccessLog
from tests.api_client import ApiClient
from tests.personas import make_elder, serve


def test_it_reveals_the_full_id_number_and_logs_it(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "id_number", "reason": "verification",
                                         "note": "核对补贴资格"})
    assert r.status_code == 200
    assert r.json() == {"field": "id_number", "value": elder.id_number}
    log = AccessLog.objects.get()
    assert (log.actor, log.entity_id, log.field, log.reason) == (
        world.worker_a1, str(elder.pk), "id_number", "verification: 核对补贴资格")
    assert log.ip == "127.0.0.1"


def test_a_caregiver_reveals_the_phone_of_a_served_elder(world):
    elder = make_elder(world.community_a1)
    serve(elder, world.provider)
    r = ApiClient(world.caregiver).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "phone", "reason": "service",
                                         "note": "上门前联系"})
    assert r.json()["value"] == "13812345678"


def test_a_reveal_out_of_scope_is_404_and_logs_nothing(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_b1).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "phone", "reason": "other", "note": "好奇"})
    assert r.status_code == 404
    assert elder.phone not in r.content.decode()
    assert list(AccessLog.objects.values_list("field", flat=True)) == ["refused"]


def test_a_reveal_needs_a_reason(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/reveal", {"field": "phone"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert not AccessLog.objects.exists()


def test_only_masked_fields_can_be_revealed(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "note", "reason": "other", "note": "查看"})
    assert r.status_code == 422 and r.json()["field"] == "field"
