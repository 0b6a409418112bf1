"""Alarm pages: scope (404 outside), actions through the detail page, the hotline form."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anlao.alarms.models import Alarm, AlarmState, Device
from anlao.alarms.services import alarm_raise
from tests.alarms_fixtures import NOW, elder_with_device


@pytest.fixture
def alarm(world):
    elder_with_device(world)
    return alarm_raise(actor=world.partner, kind="sos", device_serial="W-001",
                       idempotency_key="k", at=NOW, now=NOW)[0]


def test_the_queue_lists_open_alarms_in_scope_with_a_timer(client, world, alarm):
    client.force_login(world.hotline_a)
    body = client.get("/alarms/").content.decode()
    assert f'data-alarm-id="{alarm.pk}"' in body and "alarm-timer" in body
    assert 'hx-trigger="every 15s"' in body
    client.force_login(world.worker_b1)
    body = client.get("/alarms/open/").content.decode()
    assert "data-alarm-id" not in body and "no-open-alarms" in body


@pytest.mark.parametrize("who,status", [("provider_manager", 403), ("partner", 403),
                                        ("caregiver", 403)])
def test_roles_without_alarm_view_are_refused(client, world, alarm, who, status):
    client.force_login(getattr(world, who))
    assert client.get("/alarms/").status_code == status


def test_the_detail_is_404_outside_scope_like_a_missing_alarm(client, world, alarm):
    client.force_login(world.worker_b1)
    assert client.get(f"/alarms/{alarm.pk}/").status_code == 404
    assert client.get("/alarms/999999/").status_code == 404
    assert client.post(f"/alarms/{alarm.pk}/acknowledge/").status_code == 404
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.NEW


def test_the_detail_shows_masked_phones_and_the_actions(client, world, alarm):
    client.force_login(world.worker_a1)
    body = client.get(f"/alarms/{alarm.pk}/").content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert "139****1111" in body  # the contact
    assert 'id="acknowledge"' in body


def test_an_operator_acknowledges_and_closes_through_the_page(client, world, alarm):
    client.force_login(world.hotline_a)
    r = client.post(f"/alarms/{alarm.pk}/acknowledge/", follow=True)
    assert "Alarm acknowledged." in r.content.decode()
    r = client.post(f"/alarms/{alarm.pk}/close/", {"outcome": "other"}, follow=True)
    assert "Say what happened" in r.content.decode()
    client.post(f"/alarms/{alarm.pk}/close/", {"outcome": "false_alarm"})
    alarm.refresh_from_db()
    assert (alarm.state, alarm.outcome) == (AlarmState.CLOSED, "false_alarm")


def test_an_auditor_sees_but_cannot_act(client, world, alarm):
    client.force_login(world.auditor)
    body = client.get(f"/alarms/{alarm.pk}/").content.decode()
    assert 'id="acknowledge"' not in body
    assert client.post(f"/alarms/{alarm.pk}/acknowledge/").status_code == 403


def test_an_unknown_action_is_404(client, world, alarm):
    client.force_login(world.hotline_a)
    assert client.post(f"/alarms/{alarm.pk}/explode/").status_code == 404


def test_the_hotline_form_finds_the_caller_and_records_one_alarm(client, world, alarm):
    client.force_login(world.hotline_a)
    body = client.get("/alarms/new/", {"q": "王秀英"}).content.decode()
    assert f'value="{alarm.elder_id}"' in body
    data = {"q": "王秀英", "elder_id": alarm.elder_id, "kind": "fall", "note": "摔倒",
            "idempotency_key": "form-abc"}
    first = client.post("/alarms/new/", data)
    again = client.post("/alarms/new/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Alarm.objects.filter(source="hotline").count() == 1


def test_the_hotline_form_refuses_a_missing_elder(client, world):
    client.force_login(world.hotline_a)
    r = client.post("/alarms/new/", {"q": "x", "kind": "sos", "idempotency_key": "f"})
    assert r.status_code == 400 and "Choose the elder who called." in r.content.decode()
    assert not Alarm.objects.exists()


def test_devices_and_statistics_pages_render(client, world, alarm):
    Device.objects.update(last_heartbeat_at=timezone.now())
    elder_with_device(world, seq=2, serial="SILENT-7")
    Device.objects.filter(serial="SILENT-7").update(last_heartbeat_at=None)
    client.force_login(world.street_officer_a)
    body = client.get("/alarms/devices/").content.decode()
    assert "W-001" in body and "SILENT-7" in body
    body = client.get("/alarms/devices/?offline=1").content.decode()
    assert "W-001" not in body and "SILENT-7" in body
    body = client.get("/alarms/statistics/?days=30").content.decode()
    assert "stats-table" in body and world.street_a.name in body


def test_revealing_the_elders_phone_from_the_alarm_is_logged(client, world, alarm):
    from anlao.core.models import AccessLog

    client.force_login(world.hotline_a)
    body = client.get(f"/alarms/{alarm.pk}/").content.decode()
    assert f'action="/elders/{alarm.elder_id}/reveal/"' in body
    r = client.post(f"/elders/{alarm.elder_id}/reveal/",
                    {"field": "phone", "reason": "service", "note": "calling about the alarm"},
                    HTTP_HX_REQUEST="true")
    assert "13812345678" in r.content.decode()
    assert AccessLog.objects.filter(actor=world.hotline_a, field="phone").count() == 1


def test_a_polled_list_after_the_session_expired_sends_the_page_to_the_login_form(client):
    from django.urls import reverse

    response = client.get(reverse("alarms:open"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/")
