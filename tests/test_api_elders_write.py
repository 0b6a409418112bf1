"""POST /api/elders, PATCH /api/elders/{id}, POST /api/elders/{id}/status."""

from __future__ import annotations

import datetime as dt

from anlao.core.models import AuditLog
from anlao.people.models import Elder
from tests.api_client import ApiClient
from tests.personas import make_elder, make_id_number

BIRTH = dt.date(1950, 5, 6)


def _new(world, **extra) -> dict:
    return {"name": "李建国", "id_number": make_id_number(BIRTH, seq=7, male=True),
            "residence_area": world.community_a1.code, "phone": "13700001234", **extra}


def test_a_worker_registers_an_elder_in_their_community(world):
    r = ApiClient(world.worker_a1).post("/api/elders", _new(world, dibao=True))
    assert r.status_code == 201, r.content
    body = r.json()
    elder = Elder.objects.get(pk=body["id"])
    assert (elder.name, elder.birth_date, elder.sex) == ("李建国", BIRTH, "M")
    assert body["categories"] == ["dibao"] and body["phone_masked"] == "137****1234"
    assert elder.id_number not in r.content.decode()


def test_creating_an_elder_writes_the_audit_log(world):
    r = ApiClient(world.worker_a1).post("/api/elders", _new(world))
    row = AuditLog.objects.get(action="elder.create")
    assert row.entity_id == str(r.json()["id"])
    assert row.actor == world.worker_a1


def test_it_refuses_a_community_outside_the_jurisdiction(world):
    r = ApiClient(world.worker_b1).post("/api/elders", _new(world))
    assert r.status_code == 422
    assert r.json()["field"] == "residence_area"
    assert not Elder.objects.exists()
    assert not AuditLog.objects.filter(entity="people.elder").exists()


def test_it_refuses_a_bad_id_number_and_names_the_field(world):
    bad = _new(world, id_number="330105195005060000")
    r = ApiClient(world.worker_a1).post("/api/elders", bad)
    assert r.status_code == 422
    assert r.json()["field"] == "id_number"
    assert not Elder.objects.exists()


def test_it_refuses_a_second_active_record_for_one_id(world):
    client = ApiClient(world.worker_a1)
    assert client.post("/api/elders", _new(world)).status_code == 201
    r = client.post("/api/elders", _new(world))
    assert r.status_code == 422 and r.json()["field"] == "id_number"
    assert Elder.objects.count() == 1


def test_a_caregiver_may_not_register_elders(world):
    r = ApiClient(world.caregiver).post("/api/elders", _new(world))
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"


def test_a_patch_changes_only_the_fields_sent(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).patch(f"/api/elders/{elder.pk}",
                                         {"phone": "13955556666", "dibao": True})
    assert r.status_code == 200, r.content
    elder.refresh_from_db()
    assert (elder.phone, elder.dibao, elder.name) == ("13955556666", True, "王秀英")
    row = AuditLog.objects.get(action="elder.update")
    assert row.after == {"phone": "13955556666", "dibao": True}


def test_a_patch_by_a_worker_of_another_community_is_404(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_b1).patch(f"/api/elders/{elder.pk}", {"name": "改名"})
    assert r.status_code == 404
    elder.refresh_from_db()
    assert elder.name == "王秀英"


def test_a_bad_patch_changes_nothing(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).patch(f"/api/elders/{elder.pk}",
                                         {"phone": "12345", "name": "新名"})
    assert r.status_code == 422 and r.json()["field"] == "phone"
    elder.refresh_from_db()
    assert elder.name == "王秀英"
    assert not AuditLog.objects.filter(entity="people.elder").exists()


def test_it_records_a_death(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/status",
                                        {"status": "deceased", "date": "2024-02-03"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["status_date"]) == ("deceased", "2024-02-03")
    assert AuditLog.objects.filter(action="elder.status.deceased").count() == 1


def test_a_status_change_out_of_scope_is_404(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_b1).post(f"/api/elders/{elder.pk}/status",
                                        {"status": "deceased", "date": "2024-02-03"})
    assert r.status_code == 404
    elder.refresh_from_db()
    assert elder.status == "active"


def test_an_unknown_status_names_the_field(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/status",
                                        {"status": "vanished", "date": "2024-02-03"})
    assert r.status_code == 422 and r.json()["field"] == "status"


def test_patching_the_id_number_derives_birth_date_and_sex_again(world):
    elder = make_elder(world.community_a1)
    new_id = make_id_number(BIRTH, seq=9, male=True)
    r = ApiClient(world.worker_a1).patch(f"/api/elders/{elder.pk}", {"id_number": new_id})
    assert r.status_code == 200, r.content
    elder.refresh_from_db()
    assert (elder.id_number, elder.birth_date, elder.sex) == (new_id, BIRTH, "M")
