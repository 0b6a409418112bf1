"""dispatch_plan_day on small days whose best plan is known; who may plan."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from anlao.homecare.dispatch.build import NO_LOCATION, WINDOW_PASSED
from anlao.homecare.dispatch.routing import reasons
from anlao.homecare.dispatch.routing.model import Point
from anlao.homecare.dispatch.routing.travel import straight_line_s
from anlao.homecare.dispatch.services import dispatch_plan_day
from anlao.homecare.models import DispatchPlan, Visit, VisitState
from tests.dispatch_fixtures import (
    BASE,
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


def plan(world, day=DAY, now=NOW):
    return dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=day,
                             now=now)


def fresh(visit: Visit) -> Visit:
    return Visit.objects.get(pk=visit.pk)


def test_it_serves_a_line_of_visits_outward_and_back(world, settings):
    profile = make_profile(world)
    far, near, middle = (make_visit(world, at=east(km)) for km in (3, 1, 2))
    row = plan(world)
    # out along the line and back: either direction is optimal, zig-zagging is not
    assert [fresh(v).sequence for v in (near, middle, far)] in ([1, 2, 3], [3, 2, 1])
    assert {fresh(v).caregiver_id for v in (near, middle, far)} == {profile.pk}
    legs = straight_line_s([Point(*BASE), Point(*east(1)), Point(*east(2)), Point(*east(3))],
                           detour_factor=settings.HOMECARE["DETOUR_FACTOR"],
                           speed_kmh=settings.HOMECARE["SPEED_KMH"])
    optimum = legs[0, 1] + legs[1, 2] + legs[2, 3] + legs[3, 0]
    assert row.travel_seconds == optimum
    assert (row.served, row.unassigned) == (3, 0)
    first = near if fresh(near).sequence == 1 else far
    assert fresh(first).travel_seconds == legs[0, 1 if first == near else 3]


def test_each_caregiver_takes_the_visits_near_home(world):
    west_home, east_home = make_profile(world, "西"), make_profile(world, "东", home=east(6))
    west = [make_visit(world, at=east(km)) for km in (0.5, 1)]
    eastern = [make_visit(world, at=east(km)) for km in (5, 5.5)]
    plan(world)
    assert {fresh(v).caregiver_id for v in west} == {west_home.pk}
    assert {fresh(v).caregiver_id for v in eastern} == {east_home.pk}


def test_planned_times_are_aware_and_inside_the_window(world):
    make_profile(world)
    v = make_visit(world, at=east(1), window=("10:00", "11:00"), minutes=45)
    plan(world)
    v = fresh(v)
    local = v.planned_start.astimezone(SHANGHAI)
    assert v.planned_start.tzinfo is not None
    assert local.date() == DAY
    assert dt.time(10, 0) <= local.time() <= dt.time(10, 15)
    assert v.planned_end - v.planned_start == dt.timedelta(minutes=45)
    assert v.state == VisitState.ASSIGNED


def test_a_caregiver_on_leave_gets_nothing(world):
    away, present = make_profile(world, "休假"), make_profile(world, "在岗", home=east(5))
    on_leave(away, DAY - dt.timedelta(days=1), DAY)
    visits = [make_visit(world, at=east(km)) for km in (0.2, 0.4)]
    plan(world)
    assert {fresh(v).caregiver_id for v in visits} == {present.pk}
    assert not Visit.objects.filter(caregiver=away).exists()


def test_a_caregiver_not_scheduled_that_weekday_gets_nothing(world):
    make_profile(world, hours={"0": ["08:00", "17:00"]})  # Mondays only; DAY is a Wednesday
    v = make_visit(world, at=east(1))
    row = plan(world)
    assert fresh(v).caregiver_id is None
    assert fresh(v).unassigned_reason == reasons.NO_CAREGIVER
    assert (row.served, row.unassigned) == (0, 1)


def test_a_skilled_visit_goes_to_the_caregiver_with_the_skill(world):
    make_profile(world, "近", home=east(1))
    bather = make_profile(world, "远", home=east(8), skills=["bathing"])
    bath = make_visit(world, at=east(1.1), item=make_item(skill="bathing"))
    plan(world)
    assert fresh(bath).caregiver_id == bather.pk


def test_a_minimum_certificate_level_is_respected(world):
    make_profile(world, "初级", level="level5")
    senior = make_profile(world, "高级", level="level3", home=east(4))
    v = make_visit(world, at=east(0.1), item=make_item(min_level="level4"))
    plan(world)
    assert fresh(v).caregiver_id == senior.pk


def test_a_visit_nobody_can_do_is_listed_with_its_reason(world):
    make_profile(world)
    ok = make_visit(world, at=east(1))
    nobody = make_visit(world, at=east(1), item=make_item(skill="nursing"))
    row = plan(world)
    assert fresh(ok).state == VisitState.ASSIGNED
    nobody = fresh(nobody)
    assert (nobody.state, nobody.caregiver_id) == (VisitState.UNASSIGNED, None)
    assert nobody.unassigned_reason == reasons.NO_SKILL
    assert (row.served, row.unassigned) == (1, 1)


def test_a_visit_without_any_location_is_unassigned_with_why(world):
    make_profile(world)
    world.community_a1.lat = None
    world.community_a1.save()
    v = make_visit(world, at=None)
    plan(world)
    assert fresh(v).unassigned_reason == NO_LOCATION


def test_today_is_planned_from_now_on(world):
    make_profile(world)
    gone = make_visit(world, at=east(1), window=("08:00", "10:00"))
    later = make_visit(world, at=east(1), window=("13:00", "16:00"))
    plan(world, now=dt.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI))
    assert fresh(gone).unassigned_reason == WINDOW_PASSED
    assert fresh(later).planned_start.astimezone(SHANGHAI).hour >= 13


def test_the_elder_keeps_the_caregiver_who_served_them_before(world):
    usual, other = make_profile(world, "老面孔"), make_profile(world, "新面孔")
    before = make_visit(world, at=east(1), day=DAY - dt.timedelta(days=7))
    Visit.objects.filter(pk=before.pk).update(caregiver=usual, state=VisitState.DONE)
    v = make_visit(world, at=east(1), elder=before.order.elder)
    plan(world)
    assert fresh(v).caregiver_id == usual.pk
    assert other.visits.count() == 0


def test_the_plan_row_and_audit_are_written_and_replaced(world):
    make_profile(world)
    make_visit(world, at=east(1))
    first = plan(world)
    make_visit(world, at=east(2))
    second = plan(world)
    assert first.pk == second.pk
    assert DispatchPlan.objects.get(pk=first.pk).served == 2
    assert second.computed_by == world.provider_manager
    assert AuditLog.objects.filter(action="dispatch.plan", entity_id=str(first.pk)).count() == 2


def test_cancelled_and_done_visits_are_left_alone(world):
    make_profile(world)
    done = make_visit(world, at=east(1))
    Visit.objects.filter(pk=done.pk).update(state=VisitState.DONE, sequence=7)
    row = plan(world)
    assert fresh(done).sequence == 7
    assert row.served == 0


def test_an_empty_day_gives_an_empty_plan(world):
    make_profile(world)
    row = plan(world)
    assert (row.served, row.unassigned, row.travel_seconds) == (0, 0, 0)


def test_another_providers_manager_cannot_plan_our_day(world):
    make_visit(world, at=east(1))
    with pytest.raises(NotFound):
        dispatch_plan_day(actor=world.other_provider_manager, provider=world.provider,
                          date=DAY, now=NOW)
    assert not DispatchPlan.objects.exists()


@pytest.mark.parametrize("who", ["caregiver", "worker_a1", "district_officer", "hotline_a"])
def test_only_a_provider_manager_may_plan(world, who):
    with pytest.raises(PermissionDenied):
        dispatch_plan_day(actor=getattr(world, who), provider=world.provider, date=DAY,
                          now=NOW)


def test_a_past_day_is_refused(world):
    v = make_visit(world, at=east(1), day=DAY - dt.timedelta(days=2))
    with pytest.raises(ValidationFailed):
        plan(world, day=v.date)
    assert fresh(v).version == 0


def test_a_same_day_replan_waits_for_the_caregivers_visit_in_progress(world):
    cg = make_profile(world)
    started = make_visit(world, at=east(3), minutes=90)
    Visit.objects.filter(pk=started.pk).update(
        caregiver=cg, state=VisitState.IN_PROGRESS,
        check_in_at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    nxt = make_visit(world, at=east(3.5), window=("09:00", "17:00"))
    plan(world, now=dt.datetime(2026, 11, 25, 9, 15, tzinfo=SHANGHAI))
    v = fresh(nxt)
    assert v.caregiver_id == cg.pk
    # not before the 90-minute visit ends at 10:30, and reached from that elder's home
    # (0.5 km) rather than from the caregiver's own home 3.5 km away
    start = v.planned_start.astimezone(SHANGHAI)
    assert start >= dt.datetime(2026, 11, 25, 10, 30, tzinfo=SHANGHAI)
    # (0.5 km × 1.3 at 15 km/h ≈ 156 s; from home it would be ≈ 1,090 s)
    assert v.travel_seconds < 400
