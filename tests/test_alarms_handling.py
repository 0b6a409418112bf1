"""Handling an alarm: each state transition, who may do it, and choosing a responder."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.accounts.models import User
from anlao.alarms.models import AlarmState, AlarmStep, AppendOnly
from anlao.alarms.responders import distance_m, responders_for
from anlao.alarms.services import (
    alarm_acknowledge,
    alarm_call_120,
    alarm_close,
    alarm_contact,
    alarm_dispatch,
    alarm_raise,
)
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.homecare.models import (
    CaregiverProfile,
    Contract,
    ContractState,
    Leave,
    Order,
    ServiceItem,
    Visit,
    VisitState,
)
from anlao.workforce.models import Caregiver
from tests.alarms_fixtures import NOW, elder_with_device
from tests.personas import make_id_number

LATER = NOW + dt.timedelta(minutes=2)


@pytest.fixture
def alarm(world):
    elder_with_device(world)
    alarm, _created = alarm_raise(actor=world.partner, kind="sos", device_serial="W-001",
                                  idempotency_key="k", now=NOW)
    return alarm


def _caregiver(world, name, lat, lng, seq, hours=("08:00", "18:00")):
    cg = Caregiver.objects.create(name=name, id_number=make_id_number(dt.date(1980, 1, 1),
                                                                      seq=seq),
                                  birth_date=dt.date(1980, 1, 1), sex="F", phone="13700000000",
                                  area=world.street_a)
    return CaregiverProfile.objects.create(
        caregiver=cg, provider=world.provider, home_lat=lat, home_lng=lng,
        working_hours={str(d): list(hours) for d in range(7)})


def _contract(world):
    c = Contract.objects.create(number="HC-1", provider=world.provider, start=dt.date(2026, 1, 1),
                                end=dt.date(2026, 12, 31), state=ContractState.ACTIVE)
    c.streets.add(world.street_a)
    return c


def test_the_full_path_records_every_step_and_audit_row(world, alarm):
    op = world.hotline_a
    alarm_acknowledge(actor=op, alarm_id=alarm.pk, now=NOW + dt.timedelta(minutes=1))
    contact = alarm.elder.contacts.get()
    a = alarm_contact(actor=op, alarm_id=alarm.pk, whom="elder", result="no_answer", now=LATER)
    assert a.state == AlarmState.CONTACTING
    alarm_contact(actor=op, alarm_id=alarm.pk, whom=str(contact.pk), result="reached", now=LATER)
    a = alarm_call_120(actor=op, alarm_id=alarm.pk, note="fell in the kitchen", now=LATER)
    assert a.state == AlarmState.DISPATCHED
    a = alarm_close(actor=op, alarm_id=alarm.pk, outcome="sent_to_hospital", now=LATER)
    assert (a.state, a.outcome, a.closed_at) == (AlarmState.CLOSED, "sent_to_hospital", LATER)
    assert a.acknowledged_at == NOW + dt.timedelta(minutes=1) and a.acknowledged_by == op
    actions = list(a.steps.values_list("action", flat=True))
    assert actions == ["raised", "acknowledged", "called_elder", "called_contact", "called_120",
                       "closed"]
    assert a.steps.get(action="called_contact").detail["contact"] == "李明"
    assert AuditLog.objects.filter(entity="alarms.alarm", entity_id=str(a.pk)).count() == 6


def test_contacting_after_dispatch_keeps_the_alarm_dispatched(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    alarm_call_120(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    a = alarm_contact(actor=world.hotline_a, alarm_id=alarm.pk, whom="elder", result="reached",
                      now=NOW)
    assert a.state == AlarmState.DISPATCHED


def test_it_refuses_handling_before_acknowledgement(world, alarm):
    for action in (lambda: alarm_call_120(actor=world.hotline_a, alarm_id=alarm.pk),
                   lambda: alarm_close(actor=world.hotline_a, alarm_id=alarm.pk,
                                       outcome="false_alarm")):
        with pytest.raises(ServiceError) as exc:
            action()
        assert exc.value.code == "not_acknowledged"
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.NEW


def test_a_second_acknowledgement_is_refused_with_a_clear_message(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    with pytest.raises(ServiceError) as exc:
        alarm_acknowledge(actor=world.worker_a1, alarm_id=alarm.pk, now=LATER)
    assert exc.value.code == "already_acknowledged"
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == world.hotline_a


def test_a_closed_alarm_cannot_be_closed_again(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    alarm_close(actor=world.hotline_a, alarm_id=alarm.pk, outcome="false_alarm", now=NOW)
    with pytest.raises(ServiceError) as exc:
        alarm_close(actor=world.hotline_a, alarm_id=alarm.pk, outcome="other", note="x")
    assert exc.value.code == "closed"


def test_closing_as_other_needs_a_note_and_outcome_must_be_known(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        alarm_close(actor=world.hotline_a, alarm_id=alarm.pk, outcome="other")
    assert "note" in exc.value.errors
    with pytest.raises(ValidationFailed):
        alarm_close(actor=world.hotline_a, alarm_id=alarm.pk, outcome="solved")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED


def test_it_refuses_a_contact_of_another_elder(world, alarm):
    other = elder_with_device(world, seq=2, serial="W-002").elder.contacts.get()
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    with pytest.raises(ValidationFailed):
        alarm_contact(actor=world.hotline_a, alarm_id=alarm.pk, whom=str(other.pk),
                      result="reached")


@pytest.mark.parametrize("who", ["worker_a1", "street_officer_a", "district_officer",
                                 "hotline_a", "root"])
def test_staff_in_scope_may_acknowledge(world, alarm, who):
    assert alarm_acknowledge(actor=getattr(world, who), alarm_id=alarm.pk).state == "acknowledged"


@pytest.mark.parametrize("who", ["worker_a2", "worker_b1", "street_officer_b", "nobody"])
def test_staff_out_of_scope_get_not_found(world, alarm, who):
    with pytest.raises(NotFound):
        alarm_acknowledge(actor=getattr(world, who), alarm_id=alarm.pk)


@pytest.mark.parametrize("who", ["auditor", "partner", "provider_manager", "caregiver"])
def test_roles_without_handle_permission_are_refused(world, alarm, who):
    with pytest.raises(PermissionDenied):
        alarm_acknowledge(actor=getattr(world, who), alarm_id=alarm.pk)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.NEW


def test_steps_are_append_only(world, alarm):
    step = AlarmStep.objects.get()
    step.note = "rewritten"
    with pytest.raises(AppendOnly):
        step.save()
    with pytest.raises(AppendOnly):
        step.delete()


def test_distance_is_great_circle_metres():
    # one degree of latitude is about 111.2 km
    assert distance_m((30.0, 120.0), (31.0, 120.0)) == pytest.approx(111_195, abs=5)
    assert distance_m(None, (31.0, 120.0)) is None


def test_responders_are_ranked_nearest_first_and_exclude_the_unavailable(world, alarm):
    _contract(world)
    far = _caregiver(world, "远护理员", 30.3300, 120.1671, seq=11)
    near = _caregiver(world, "近护理员", 30.3030, 120.1671, seq=12)
    off = _caregiver(world, "休班护理员", 30.3026, 120.1671, seq=13, hours=("19:00", "22:00"))
    away = _caregiver(world, "请假护理员", 30.3026, 120.1671, seq=14)
    Leave.objects.create(profile=away, start=NOW.date(), end=NOW.date())
    world.worker_a1.phone = "13600000000"
    world.worker_a1.save()
    ranked = responders_for(alarm, now=NOW)
    keys = [r.key for r in ranked]
    # the elder lives at the community's centre, where its worker is placed
    assert keys[:3] == [f"worker:{world.worker_a1.pk}", f"caregiver:{near.pk}",
                        f"caregiver:{far.pk}"]
    assert [r.distance_m for r in ranked] == sorted(r.distance_m for r in ranked)
    assert f"caregiver:{far.pk}" in keys
    assert f"caregiver:{off.pk}" not in keys and f"caregiver:{away.pk}" not in keys
    assert f"worker:{world.worker_a2.pk}" not in keys


def test_a_caregiver_on_a_visit_is_placed_at_the_visit(world, alarm):
    contract = _contract(world)
    cg = _caregiver(world, "出诊护理员", 30.40, 120.30, seq=15)
    item = ServiceItem.objects.create(code="bath", name="助浴", category="bathing",
                                      standard_minutes=60, price_fen=5000)
    order = Order.objects.create(elder=alarm.elder, provider=world.provider, contract=contract,
                                 item=item, channel="hotline", date=NOW.date(),
                                 window_start=dt.time(9), window_end=dt.time(11), minutes=60,
                                 price_fen=5000, created_by=world.hotline_a)
    Visit.objects.create(order=order, provider=world.provider, date=NOW.date(), caregiver=cg,
                         state=VisitState.IN_PROGRESS, check_in_lat=30.3026,
                         check_in_lng=120.1672)
    best = next(r for r in responders_for(alarm, now=NOW) if r.kind == "caregiver")
    assert (best.key, best.position) == (f"caregiver:{cg.pk}", "visit")
    assert best.distance_m < 50  # home would be ~16 km away


def test_dispatch_sends_the_nearest_or_the_chosen_responder(world, alarm):
    _contract(world)
    near = _caregiver(world, "近护理员", 30.3030, 120.1671, seq=12)
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    a = alarm_dispatch(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    assert a.state == AlarmState.DISPATCHED
    # nearest: the community worker, placed at the community's centre where the elder lives
    assert a.steps.get(action="dispatched").detail["responder"] == f"worker:{world.worker_a1.pk}"
    chosen = f"caregiver:{near.pk}"
    a = alarm_dispatch(actor=world.hotline_a, alarm_id=alarm.pk, responder=chosen, now=NOW)
    assert a.steps.filter(action="dispatched").last().detail["name"] == "近护理员"


def test_dispatch_refuses_a_responder_not_in_the_list(world, alarm):
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    outsider = User.objects.get(username="worker_b1")
    with pytest.raises(ValidationFailed):
        alarm_dispatch(actor=world.hotline_a, alarm_id=alarm.pk,
                       responder=f"worker:{outsider.pk}", now=NOW)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED


def test_of_two_operators_acting_on_one_read_only_the_first_wins(world, alarm):
    from anlao.alarms.models import Alarm
    from anlao.alarms.services import _move

    stale = Alarm.objects.get(pk=alarm.pk)  # the second operator's page was loaded before
    alarm_acknowledge(actor=world.hotline_a, alarm_id=alarm.pk, now=NOW)
    with pytest.raises(ServiceError) as exc:
        _move(stale, allowed=(AlarmState.NEW,), to=AlarmState.ACKNOWLEDGED, now=LATER,
              acknowledged_at=LATER, acknowledged_by=world.worker_a1)
    assert exc.value.code == "conflict"
    alarm.refresh_from_db()
    assert (alarm.acknowledged_by, alarm.acknowledged_at) == (world.hotline_a, NOW)
