"""Escalation and the no-movement sweep, with a controllable clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from anlao.alarms.models import Alarm, AlarmNotice, AlarmState, Device, DeviceKind
from anlao.alarms.selectors import notices_for
from anlao.alarms.services import alarm_acknowledge, alarm_close, alarm_raise, device_report
from anlao.alarms.sweeps import alarms_escalate, alarms_no_movement
from anlao.people.models import Elder
from tests.alarms_fixtures import NOW, elder_with_device

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def alarm(world, settings):
    settings.ALARMS = {**settings.ALARMS, "ACK_MINUTES": 5}
    elder_with_device(world)
    alarm, _created = alarm_raise(actor=world.partner, kind="fall", device_serial="W-001",
                                  idempotency_key="k", now=NOW)
    return alarm


def test_it_escalates_once_after_ack_minutes_to_the_street_officer(world, alarm):
    assert alarms_escalate(now=NOW + 4 * MIN) == 0
    assert alarms_escalate(now=NOW + 6 * MIN) == 1
    assert alarms_escalate(now=NOW + 7 * MIN) == 0
    alarm.refresh_from_db()
    assert alarm.escalated_at == NOW + 6 * MIN and alarm.state == AlarmState.NEW
    assert alarm.steps.filter(action="escalated").count() == 1
    assert list(AlarmNotice.objects.values_list("recipient__username", flat=True)) == [
        "street_officer_a"]
    assert [n.alarm_id for n in notices_for(actor=world.street_officer_a)] == [alarm.pk]
    assert not notices_for(actor=world.street_officer_b).exists()


def test_an_acknowledged_alarm_is_not_escalated(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW + 4 * MIN)
    assert alarms_escalate(now=NOW + 60 * MIN) == 0
    assert not AlarmNotice.objects.exists()


def test_the_notice_leaves_the_queue_when_the_alarm_is_closed(world, alarm):
    alarms_escalate(now=NOW + 6 * MIN)
    alarm_acknowledge(actor=world.street_officer_a, alarm_id=alarm.pk, now=NOW + 7 * MIN)
    alarm_close(actor=world.street_officer_a, alarm_id=alarm.pk, outcome="false_alarm",
                now=NOW + 8 * MIN)
    assert not notices_for(actor=world.street_officer_a).exists()


@pytest.fixture
def sensor(world, settings):
    settings.ALARMS = {**settings.ALARMS, "NO_MOVEMENT_HOURS": 12}
    device = elder_with_device(world, kind=DeviceKind.MOVEMENT_SENSOR, serial="M-1")
    Device.objects.filter(pk=device.pk).update(last_movement_at=NOW)
    return device


HOUR = dt.timedelta(hours=1)


def test_no_movement_raises_one_alarm_per_episode(world, sensor):
    assert alarms_no_movement(now=NOW + 11 * HOUR) == 0
    assert alarms_no_movement(now=NOW + 13 * HOUR) == 1
    assert alarms_no_movement(now=NOW + 14 * HOUR) == 0  # still open
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.source, alarm.elder) == ("no_movement", "no_movement",
                                                       sensor.elder)
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW + 14 * HOUR)
    alarm_close(actor=world.hotline_a, alarm_id=alarm.pk, outcome="resolved_by_phone",
                now=NOW + 14 * HOUR)
    assert alarms_no_movement(now=NOW + 20 * HOUR) == 0  # same episode, already handled
    device_report(actor=world.partner, serial="M-1", movement=True, at=NOW + 21 * HOUR,
                  now=NOW + 21 * HOUR)
    assert alarms_no_movement(now=NOW + 30 * HOUR) == 0
    assert alarms_no_movement(now=NOW + 34 * HOUR) == 1  # a new episode
    assert Alarm.objects.count() == 2


def test_no_movement_ignores_elders_not_living_alone_and_other_devices(world, sensor):
    Elder.objects.filter(pk=sensor.elder_id).update(living_situation="with_family")
    watch = elder_with_device(world, seq=2, serial="W-9")  # a watch is no movement sensor
    Device.objects.filter(pk=watch.pk).update(last_movement_at=NOW)
    assert alarms_no_movement(now=NOW + 48 * HOUR) == 0


def test_any_recent_movement_device_of_the_elder_counts(world, sensor):
    Device.objects.create(partner=sensor.partner, elder=sensor.elder,
                          kind=DeviceKind.DOOR_SENSOR, serial="D-1",
                          last_movement_at=NOW + 10 * HOUR)
    assert alarms_no_movement(now=NOW + 13 * HOUR) == 0
    assert alarms_no_movement(now=NOW + 23 * HOUR) == 1


def test_the_command_runs_both_sweeps(world, alarm, capsys):
    # the command reads the real clock: put the alarm an hour before it
    Alarm.objects.filter(pk=alarm.pk).update(raised_at=timezone.now() - 60 * MIN)
    call_command("alarms_sweep")
    assert "alarms escalated: 1" in capsys.readouterr().out
