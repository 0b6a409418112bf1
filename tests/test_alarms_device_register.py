"""Registering a partner's device for an elder: the service, the page and the staff endpoint."""

from __future__ import annotations

import pytest

from anlao.alarms.models import Device
from anlao.alarms.services import device_register
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from tests.alarms_fixtures import partner_token
from tests.personas import make_elder


@pytest.fixture
def elder(world):
    return make_elder(world.community_a1)


def _register(world, actor, elder, serial="W-777", **kw):
    args = {"partner_id": world.partner.organisation_id, "elder_id": elder.pk,
            "kind": "watch", "serial": serial} | kw
    return device_register(actor=actor, **args)


def test_a_worker_registers_a_device_for_an_elder_in_scope_and_it_is_audited(world, elder):
    device = _register(world, world.worker_a1, elder)
    assert (device.elder, device.partner, device.serial) == (elder, world.partner.organisation,
                                                             "W-777")
    assert AuditLog.objects.filter(action="alarm_device.register",
                                     entity_id=str(device.pk)).exists()


def test_a_serial_is_unique_per_partner(world, elder):
    _register(world, world.worker_a1, elder)
    with pytest.raises(ValidationFailed) as exc:
        _register(world, world.worker_a1, elder)
    assert "serial" in exc.value.errors


def test_the_partner_must_be_a_partner_organisation(world, elder):
    with pytest.raises(ValidationFailed) as exc:
        _register(world, world.worker_a1, elder, partner_id=world.provider.pk)
    assert "partner" in exc.value.errors


def test_an_elder_outside_scope_is_not_found_and_a_role_without_the_right_is_refused(world,
                                                                                     elder):
    with pytest.raises(NotFound):
        _register(world, world.worker_b1, elder)
    with pytest.raises(NotFound):
        _register(world, world.xihu_officer, elder)
    with pytest.raises(PermissionDenied):
        _register(world, world.auditor, elder)
    assert not Device.objects.exists()


def test_the_page_finds_the_elder_and_registers_with_a_confirmation(client, world, elder):
    client.force_login(world.worker_a1)
    assert 'id="register-device-link"' in client.get("/alarms/devices/").content.decode()
    body = client.get("/alarms/devices/new/", {"q": elder.name}).content.decode()
    assert f'value="{elder.pk}"' in body and "data-confirm=" in body
    r = client.post("/alarms/devices/new/", {
        "q": elder.name, "elder_id": elder.pk, "partner": world.partner.organisation_id,
        "kind": "pendant", "serial": "P-1"})
    assert r.status_code == 302 and r.url == "/alarms/devices/"
    assert Device.objects.get(serial="P-1").elder == elder


def test_the_page_shows_errors_with_400(client, world, elder):
    client.force_login(world.worker_a1)
    r = client.post("/alarms/devices/new/", {
        "q": elder.name, "elder_id": elder.pk, "partner": world.partner.organisation_id,
        "kind": "pendant", "serial": ""})
    assert r.status_code == 400 and not Device.objects.exists()


def test_the_page_is_refused_without_the_right_and_hides_other_districts_elders(client, world,
                                                                               elder):
    client.force_login(world.auditor)
    assert client.get("/alarms/devices/new/").status_code == 403
    assert 'id="register-device-link"' not in client.get("/alarms/devices/").content.decode()
    client.force_login(world.xihu_worker)
    r = client.post("/alarms/devices/new/", {
        "q": elder.name, "elder_id": elder.pk, "partner": world.partner.organisation_id,
        "kind": "pendant", "serial": "P-1"})
    assert r.status_code == 400 and not Device.objects.exists()


def _api(client, token, body):
    return client.post("/api/alarms/devices", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_endpoint_registers_and_answers_404_outside_scope_and_403_without_the_right(
        client, world, elder):
    body = {"partner_id": world.partner.organisation_id, "elder_id": elder.pk,
            "kind": "watch", "serial": "W-9"}
    r = _api(client, partner_token(world.hotline_a), body)
    assert r.status_code == 201
    assert r.json() == {"id": Device.objects.get().pk, "elder_id": elder.pk, "kind": "watch",
                        "partner_id": world.partner.organisation_id, "serial": "W-9",
                        "is_active": True}
    assert _api(client, partner_token(world.xihu_officer),
                body | {"serial": "W-10"}).status_code == 404
    assert _api(client, partner_token(world.auditor),
                body | {"serial": "W-11"}).status_code == 403
    assert _api(client, partner_token(world.hotline_a), body).status_code == 422
