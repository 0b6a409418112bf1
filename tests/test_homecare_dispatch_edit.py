"""Pin, unpin and move a visit; re-plans keep pinned visits; two dispatchers at once; order
changes re-plan a planned day."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.homecare.dispatch.services import (
    Conflict,
    dispatch_on_order_change,
    dispatch_plan_day,
    visit_move,
    visit_pin,
    visit_unpin,
)
from anlao.homecare.models import DispatchPlan, OrderState, Visit, VisitState
from tests.dispatch_fixtures import (
    DAY,
    NOW,
    SHANGHAI,
    east,
    make_item,
    make_profile,
    make_visit,
    on_leave,
)

pytestmark = pytest.mark.django_db


def fresh(visit: Visit) -> Visit:
    return Visit.objects.get(pk=visit.pk)


def plan(world):
    return dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY,
                             now=NOW)


@pytest.fixture
def day(world):
    """Two caregivers at either end of a street, two visits near each."""
    west, east_ = make_profile(world, "西"), make_profile(world, "东", home=east(6))
    visits = [make_visit(world, at=east(km)) for km in (0.5, 1, 5, 5.5)]
    plan(world)
    return west, east_, [fresh(v) for v in visits]


def test_a_pinned_visit_stays_put_through_a_replan(world, day):
    _west, east_, visits = day
    v = visits[0]
    visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
    # the caregiver it is pinned to would otherwise lose it: the other one now lives next door
    east_.home_lat, east_.home_lng = east(0.5)
    east_.save()
    plan(world)
    after = fresh(v)
    assert (after.caregiver_id, after.planned_start, after.pinned) == \
        (v.caregiver_id, v.planned_start, True)


def test_unpinning_lets_the_next_plan_move_it(world, day):
    west, east_, visits = day
    v = visits[0]
    visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
    visit_unpin(actor=world.provider_manager, visit_id=v.pk, version=v.version + 1, now=NOW)
    on_leave(west)
    plan(world)
    assert fresh(v).caregiver_id == east_.pk
    assert fresh(v).pinned is False


def test_pinning_needs_an_assigned_visit(world):
    make_profile(world)
    v = make_visit(world, at=east(1))
    with pytest.raises(ServiceError, match="Only an assigned visit"):
        visit_pin(actor=world.provider_manager, visit_id=v.pk, version=0, now=NOW)
    assert fresh(v).version == 0


def test_moving_pins_the_visit_to_the_new_caregiver_and_replans(world, day):
    west, east_, visits = day
    v = visits[0]
    assert v.caregiver_id == west.pk
    row = visit_move(actor=world.provider_manager, visit_id=v.pk, version=v.version,
                     caregiver_id=east_.pk, now=NOW)
    after = fresh(v)
    assert (after.caregiver_id, after.pinned, after.state) == \
        (east_.pk, True, VisitState.ASSIGNED)
    assert row.served == 4
    assert AuditLog.objects.filter(action="visit.move", entity_id=str(v.pk)).exists()


def test_moving_at_a_time_keeps_that_time(world, day):
    _west, east_, visits = day
    v = visits[1]
    visit_move(actor=world.provider_manager, visit_id=v.pk, version=v.version,
               caregiver_id=east_.pk, start=dt.time(14, 30), now=NOW)
    after = fresh(v)
    assert after.caregiver_id == east_.pk
    assert after.planned_start.astimezone(SHANGHAI).time() == dt.time(14, 30)
    plan(world)  # and a later re-plan does not move it
    assert fresh(v).planned_start == after.planned_start


def test_moving_to_a_caregiver_without_the_skill_is_refused(world, day):
    _west, east_, _visits = day
    bath = make_visit(world, at=east(1), item=make_item(skill="bathing"))
    with pytest.raises(ValidationFailed) as err:
        visit_move(actor=world.provider_manager, visit_id=bath.pk, version=0,
                   caregiver_id=east_.pk, now=NOW)
    assert "skill" in err.value.errors["caregiver"][0]
    assert fresh(bath).caregiver_id is None and fresh(bath).version == 0


def test_moving_to_a_caregiver_on_leave_is_refused(world, day):
    west, east_, visits = day
    on_leave(east_)
    with pytest.raises(ValidationFailed, match="not working"):
        visit_move(actor=world.provider_manager, visit_id=visits[0].pk,
                   version=visits[0].version, caregiver_id=east_.pk, now=NOW)
    assert fresh(visits[0]).caregiver_id == west.pk


def test_moving_outside_working_hours_is_refused(world, day):
    _west, east_, visits = day
    with pytest.raises(ValidationFailed, match="working hours"):
        visit_move(actor=world.provider_manager, visit_id=visits[0].pk,
                   version=visits[0].version, caregiver_id=east_.pk, start=dt.time(16, 50),
                   now=NOW)


def test_moving_to_another_providers_caregiver_is_refused(world, day):
    stranger = make_profile(world, "外人", provider=world.other_provider)
    v = day[2][0]
    with pytest.raises(ValidationFailed):
        visit_move(actor=world.provider_manager, visit_id=v.pk, version=v.version,
                   caregiver_id=stranger.pk, now=NOW)


def test_two_dispatchers_pinning_at_once_one_wins(world, day):
    v = day[2][0]
    visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
    with pytest.raises(Conflict, match="changed by someone else; reload"):
        visit_unpin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
    after = fresh(v)
    assert (after.pinned, after.version) == (True, v.version + 1)
    assert AuditLog.objects.filter(entity_id=str(v.pk), action__startswith="visit.").count() == 1


def test_two_dispatchers_moving_at_once_one_wins_and_nothing_else_changes(world, day):
    west, east_, visits = day
    v = visits[0]
    visit_move(actor=world.provider_manager, visit_id=v.pk, version=v.version,
               caregiver_id=east_.pk, now=NOW)
    snapshot = list(Visit.objects.order_by("pk").values())
    with pytest.raises(Conflict):
        visit_move(actor=world.provider_manager, visit_id=v.pk, version=v.version,
                   caregiver_id=west.pk, start=dt.time(9), now=NOW)
    assert list(Visit.objects.order_by("pk").values()) == snapshot


def test_the_conflict_message_is_translated(world, day):
    from django.utils import translation

    v = day[2][0]
    with translation.override("zh-hans"), pytest.raises(Conflict) as err:
        visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version + 5, now=NOW)
    assert err.value.code == "conflict"
    assert err.value.message  # the zh catalogue is merged by the lead; English until then


def test_another_providers_manager_cannot_touch_our_visits(world, day):
    v = day[2][0]
    with pytest.raises(NotFound):
        visit_pin(actor=world.other_provider_manager, visit_id=v.pk, version=v.version,
                  now=NOW)
    with pytest.raises(PermissionDenied):
        visit_pin(actor=world.caregiver, visit_id=v.pk, version=v.version, now=NOW)
    assert fresh(v).version == v.version


def test_a_new_order_on_a_planned_day_is_planned_and_pins_stay(world, day):
    _west, east_, visits = day
    pinned = visits[3]
    visit_pin(actor=world.provider_manager, visit_id=pinned.pk, version=pinned.version, now=NOW)
    new = make_visit(world, at=east(5.2))
    row = dispatch_on_order_change(actor=world.worker_a1, order=new.order, now=NOW)
    assert row is not None and row.served == 5
    assert fresh(new).caregiver_id == east_.pk
    assert fresh(pinned).planned_start == pinned.planned_start
    assert row.computed_by == world.worker_a1


def test_an_order_on_an_unplanned_day_changes_nothing(world):
    make_profile(world)
    v = make_visit(world, at=east(1))
    assert dispatch_on_order_change(actor=world.worker_a1, order=v.order, now=NOW) is None
    assert (fresh(v).caregiver_id, fresh(v).version) == (None, 0)
    assert not DispatchPlan.objects.exists()


def test_cancelling_an_order_frees_its_slot_and_replans(world, day):
    _west, _east, visits = day
    gone = visits[0]
    gone.order.state = OrderState.CANCELLED
    gone.order.save()
    row = dispatch_on_order_change(actor=world.worker_a1, order=gone.order, now=NOW)
    after = fresh(gone)
    assert (after.state, after.caregiver_id, after.planned_start) == \
        (VisitState.CANCELLED, None, None)
    assert row.served == 3 and row.unassigned == 0
    assert [fresh(visits[1]).sequence] == [1]


def test_an_accepted_order_without_a_visit_gets_one(world):
    make_profile(world)
    v = make_visit(world, at=east(1))
    order = v.order
    v.delete()
    dispatch_on_order_change(actor=world.worker_a1, order=order, now=NOW)
    assert Visit.objects.filter(order=order, state=VisitState.UNASSIGNED).count() == 1


def test_a_pin_landing_while_the_solver_runs_makes_the_replan_lose(world, day, monkeypatch):
    """SQLite has no row locks: the plan's write is conditional on the versions it read."""
    from anlao.homecare.dispatch import services as dispatch

    _west, east_, visits = day
    v = visits[0]
    real_build = dispatch.build_day

    def build_then_someone_pins(*args, **kwargs):
        built = real_build(*args, **kwargs)
        visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
        return built

    monkeypatch.setattr(dispatch, "build_day", build_then_someone_pins)
    on_leave(east_)  # the re-plan would otherwise move visits around
    before = list(Visit.objects.exclude(pk=v.pk).order_by("pk").values())
    with pytest.raises(Conflict, match="changed while it was being planned"):
        plan(world)
    monkeypatch.undo()
    assert list(Visit.objects.exclude(pk=v.pk).order_by("pk").values()) == before


def test_a_visit_pinned_to_a_caregiver_gone_on_leave_waits_with_the_reason(world, day):
    from anlao.homecare.dispatch.routing import reasons

    west, _east, visits = day
    v = visits[0]
    visit_pin(actor=world.provider_manager, visit_id=v.pk, version=v.version, now=NOW)
    on_leave(west)
    row = plan(world)
    after = fresh(v)
    assert (after.state, after.caregiver_id, after.pinned) == \
        (VisitState.UNASSIGNED, west.pk, True)
    assert after.unassigned_reason == reasons.PINNED_ABSENT
    assert row.unassigned == 1


def test_the_exploration_level_comes_from_settings(world, day, settings):
    settings.HOMECARE = {**settings.HOMECARE, "EXPLORATION_LEVEL": 0}
    assert plan(world).exploration_level == 0
