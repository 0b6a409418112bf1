"""alarm_raise and device_report: one alarm per key, partners see only their devices."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.alarms.models import Alarm, AlarmSource, AlarmState, AlarmStep, Device
from anlao.alarms.services import alarm_raise, device_report
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from tests.alarms_fixtures import NOW, elder_with_device
from tests.personas import make_elder


def _raise(world, key="k-1", serial="W-001", **kw):
    return alarm_raise(actor=world.partner, kind=kw.pop("kind", "sos"), device_serial=serial,
                       idempotency_key=key, now=NOW, **kw)


def test_it_raises_one_alarm_with_its_first_step_and_audit_row(world):
    device = elder_with_device(world)
    alarm, created = _raise(world, at=NOW - dt.timedelta(seconds=30), lat=30.3, lng=120.16)
    assert created
    assert (alarm.elder, alarm.device, alarm.source) == (device.elder, device, "device")
    assert alarm.area == world.community_a1
    assert alarm.state == AlarmState.NEW
    assert alarm.raised_at == NOW - dt.timedelta(seconds=30)
    assert list(alarm.steps.values_list("action", flat=True)) == ["raised"]
    assert AuditLog.objects.filter(action="alarm.raise", entity_id=str(alarm.pk)).count() == 1


def test_it_returns_the_same_alarm_for_a_repeated_key(world):
    elder_with_device(world)
    first, created1 = _raise(world)
    again, created2 = _raise(world)
    assert (created1, created2) == (True, False)
    assert again.pk == first.pk
    assert Alarm.objects.count() == 1
    assert AlarmStep.objects.count() == 1


def test_it_refuses_a_key_reused_for_a_different_alarm(world):
    elder_with_device(world)
    _raise(world, kind="sos")
    with pytest.raises(ServiceError) as exc:
        _raise(world, kind="fall")
    assert exc.value.code == "idempotency_conflict"
    assert Alarm.objects.count() == 1


def test_the_same_key_from_two_partners_makes_two_alarms(world):
    elder_with_device(world, serial="A")
    elder_with_device(world, seq=2, serial="B", partner=world.other_partner.organisation)
    _raise(world, key="same", serial="A")
    alarm_raise(actor=world.other_partner, kind="sos", device_serial="B",
                idempotency_key="same", now=NOW)
    assert Alarm.objects.count() == 2


def test_it_refuses_another_partners_device_as_not_found(world):
    elder_with_device(world, partner=world.other_partner.organisation)
    with pytest.raises(NotFound):
        _raise(world)
    assert Alarm.objects.count() == 0


def test_it_refuses_an_unknown_serial(world):
    with pytest.raises(NotFound):
        _raise(world, serial="nope")


@pytest.mark.parametrize("kw,field", [
    ({"key": ""}, "idempotency_key"),
    ({"key": "bad key with spaces"}, "idempotency_key"),
    ({"kind": "no_movement"}, "kind"),
    ({"kind": "earthquake"}, "kind"),
    ({"lat": 30.0}, "lat"),
    ({"lat": 95.0, "lng": 120.0}, "lat"),
    ({"at": NOW + dt.timedelta(hours=1)}, "at"),
    ({"at": NOW - dt.timedelta(days=8)}, "at"),
])
def test_it_refuses_bad_input_and_changes_nothing(world, kw, field):
    elder_with_device(world)
    with pytest.raises(ValidationFailed) as exc:
        _raise(world, **kw)
    assert field in exc.value.errors
    assert Alarm.objects.count() == 0


def test_a_hotline_operator_logs_a_call_for_an_elder_in_scope(world):
    elder = make_elder(world.community_a1)
    alarm, created = alarm_raise(actor=world.hotline_a, kind="fall", elder_id=elder.pk,
                                 note="called from home", idempotency_key="form-1", now=NOW)
    assert created and alarm.source == AlarmSource.HOTLINE and alarm.device is None
    again, created = alarm_raise(actor=world.hotline_a, kind="fall", elder_id=elder.pk,
                                 idempotency_key="form-1", now=NOW)
    assert not created and again.pk == alarm.pk


def test_a_hotline_operator_cannot_log_for_an_elder_outside_scope(world):
    elder = make_elder(world.community_b1)
    with pytest.raises(NotFound):
        alarm_raise(actor=world.hotline_a, kind="sos", elder_id=elder.pk, now=NOW)


def test_an_auditor_cannot_raise(world):
    elder = make_elder(world.community_a1)
    with pytest.raises(PermissionDenied):
        alarm_raise(actor=world.auditor, kind="sos", elder_id=elder.pk, now=NOW)


def test_heartbeats_and_movements_move_timestamps_forward_only(world):
    device = elder_with_device(world)
    Device.objects.filter(pk=device.pk).update(last_heartbeat_at=None)
    device_report(actor=world.partner, serial="W-001", at=NOW, now=NOW)
    device_report(actor=world.partner, serial="W-001", at=NOW - dt.timedelta(hours=1), now=NOW)
    device.refresh_from_db()
    assert device.last_heartbeat_at == NOW and device.last_movement_at is None
    device_report(actor=world.partner, serial="W-001", movement=True,
                  at=NOW + dt.timedelta(minutes=1), now=NOW + dt.timedelta(minutes=1))
    device.refresh_from_db()
    assert device.last_movement_at == device.last_heartbeat_at == NOW + dt.timedelta(minutes=1)


def test_a_heartbeat_for_another_partners_device_is_not_found(world):
    elder_with_device(world, partner=world.other_partner.organisation)
    with pytest.raises(NotFound):
        device_report(actor=world.partner, serial="W-001", now=NOW)
