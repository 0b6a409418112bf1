"""GET /api/elders/{id}: in scope or 404, masked by default."""

from __future__ import annotations

from anlao.people.models import Contact
from tests.api_client import ApiClient
from tests.personas import make_elder, serve


def test_a_worker_reads_an_elder_of_their_community(world):
    elder = make_elder(world.community_a1)
    elder.address = "上塘路88号3幢201室"
    elder.save()
    Contact.objects.create(elder=elder, name="王小明", relation="child", phone="13900001111",
                           is_guardian=True)
    r = ApiClient(world.worker_a1).get(f"/api/elders/{elder.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == elder.pk and body["name"] == "王秀英"
    assert body["id_number_masked"].endswith(elder.id_number[-4:])
    assert body["address_masked"] == "上塘路88号******"
    assert body["contacts"] == [{"id": elder.contacts.get().pk, "name": "王小明",
                                 "relation": "child", "phone_masked": "139****1111",
                                 "is_guardian": True, "is_emergency": True}]
    text = r.content.decode()
    assert elder.id_number not in text and "13900001111" not in text
    assert "13812345678" not in text and "3幢201室" not in text


def test_a_worker_of_another_community_gets_404(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_b1).get(f"/api/elders/{elder.pk}")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_an_out_of_scope_elder_looks_the_same_as_a_missing_one(world):
    elder = make_elder(world.community_a1)
    client = ApiClient(world.worker_b1)
    hidden = client.get(f"/api/elders/{elder.pk}")
    missing = client.get("/api/elders/999999")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_a_caregiver_reads_a_served_elder_only(world):
    served = make_elder(world.community_a1, seq=1)
    other = make_elder(world.community_a1, seq=2)
    serve(served, world.provider)
    client = ApiClient(world.caregiver)
    assert client.get(f"/api/elders/{served.pk}").status_code == 200
    assert client.get(f"/api/elders/{other.pk}").status_code == 404


def test_a_user_without_jurisdiction_gets_404(world):
    elder = make_elder(world.community_a1)
    assert ApiClient(world.nobody).get(f"/api/elders/{elder.pk}").status_code == 404
