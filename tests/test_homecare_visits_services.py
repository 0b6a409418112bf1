"""EVV services: check-in, check-out, code, tasks — and every bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AccessLog, AuditLog
from anlao.homecare.models import OrderState, Review, Visit, VisitState
from anlao.homecare.visits import selectors, services
from tests.visits_fixtures import HOME, NOW, TASKS, build_day, north, other_caregiver_user


@pytest.fixture
def day(world):
    return build_day(world)


def check_in(day, *, now=NOW, pos=HOME, **kw):
    return services.visit_check_in(actor=day.world.caregiver, visit=day.visit.pk, lat=pos[0],
                                 lng=pos[1], now=now, **kw)


def check_out(day, *, now=None, pos=HOME, **kw):
    return services.visit_check_out(actor=day.world.caregiver, visit=day.visit.pk, lat=pos[0],
                                  lng=pos[1], now=now or NOW + dt.timedelta(minutes=55), **kw)


def assert_unchanged(day):
    v = Visit.objects.get(pk=day.visit.pk)
    assert (v.check_in_at, v.check_out_at, v.state) == (
        day.visit.check_in_at, day.visit.check_out_at, day.visit.state)


def test_it_checks_in_with_the_distance_from_home(day):
    v = check_in(day, pos=north(120))
    assert v.state == VisitState.IN_PROGRESS
    assert v.check_in_at == NOW
    assert 115 <= v.check_in_distance_m <= 125
    assert AuditLog.objects.filter(action="visit.check_in", entity_id=str(v.pk)).exists()


def test_a_clean_visit_is_checked_out_verified_and_its_order_done(day):
    check_in(day)
    v = check_out(day)
    assert v.state == VisitState.DONE and v.review == Review.VERIFIED
    assert v.anomalies.count() == 0
    assert v.order.state == OrderState.DONE


def test_it_refuses_a_second_check_in(day):
    check_in(day)
    day.visit.refresh_from_db()
    with pytest.raises(ServiceError, match="already checked in"):
        check_in(day, now=NOW + dt.timedelta(minutes=1))
    assert_unchanged(day)


def test_a_double_tap_records_one_check_in(day, monkeypatch):
    """Two requests that both read "not checked in": the conditional update lets one win."""
    stale = Visit.objects.get(pk=day.visit.pk)
    monkeypatch.setattr(services, "visit_for_caregiver", lambda *, actor, visit_id: stale)
    check_in(day)
    with pytest.raises(ServiceError, match="already checked in"):
        check_in(day, now=NOW + dt.timedelta(seconds=2))
    assert AuditLog.objects.filter(action="visit.check_in").count() == 1
    assert Visit.objects.get(pk=stale.pk).check_in_at == NOW


def test_it_refuses_check_out_before_check_in(day):
    with pytest.raises(ServiceError, match="Check in before checking out"):
        check_out(day)
    assert_unchanged(day)


def test_it_refuses_a_second_check_out(day):
    check_in(day)
    check_out(day)
    with pytest.raises(ServiceError, match="already checked out"):
        check_out(day, now=NOW + dt.timedelta(minutes=70))
    assert Visit.objects.get(pk=day.visit.pk).check_out_at == NOW + dt.timedelta(minutes=55)


@pytest.mark.parametrize("lat,lng,message", [
    (None, None, "No GPS position"),
    (30.3, None, "both latitude and longitude"),
    ("abc", 120.1, "both latitude and longitude"),
    (91.0, 120.1, "out of range"),
    (30.3, 181.0, "out of range"),
    (float("nan"), 120.1, "out of range"),
    (0.0, 0.0, r"\(0, 0\)"),
    (31.23, 121.47, "50 km"),  # Shanghai
])
def test_it_refuses_a_missing_or_absurd_position(day, lat, lng, message):
    with pytest.raises(ValidationFailed, match=message):
        check_in(day, pos=(lat, lng))
    assert_unchanged(day)


def test_no_gps_is_accepted_when_the_caregiver_says_so_and_flagged(day):
    check_in(day, pos=(None, None), no_gps=True)
    v = check_out(day, pos=(None, None), no_gps=True)
    assert v.check_in_lat is None and v.check_in_distance_m is None
    assert list(v.anomalies.values_list("rule", "detail")) == [("outside_geofence", "no GPS")]
    assert v.review == Review.PENDING


def test_it_refuses_a_cancelled_visit(day):
    Visit.objects.filter(pk=day.visit.pk).update(state=VisitState.CANCELLED)
    day.visit.refresh_from_db()
    with pytest.raises(ServiceError, match="cancelled"):
        check_in(day)
    assert_unchanged(day)


def test_it_refuses_a_visit_of_another_day(day):
    with pytest.raises(ServiceError, match="planned for 2026-11-24"):
        check_in(day, now=NOW + dt.timedelta(days=1))
    assert_unchanged(day)


def test_a_visit_not_assigned_to_you_is_not_found(day, world):
    other = other_caregiver_user(world)
    with pytest.raises(NotFound):
        services.visit_check_in(actor=other, visit=day.visit.pk, lat=HOME[0], lng=HOME[1],
                              now=NOW)
    assert_unchanged(day)


def test_a_worker_cannot_check_in(day, world):
    with pytest.raises(PermissionDenied):
        services.visit_check_in(actor=world.worker_a1, visit=day.visit.pk, lat=HOME[0],
                              lng=HOME[1], now=NOW)


def test_my_route_lists_only_my_visits_of_the_day_in_order(day, world):
    from tests.visits_fixtures import make_visit

    later = make_visit(world, day.contract, day.elder, day.profile, start=14, sequence=2)
    make_visit(world, day.contract, day.elder, day.profile, day=dt.date(2026, 11, 25))
    make_visit(world, day.contract, day.elder, None)
    route = list(selectors.route_for(actor=world.caregiver, day=NOW.date()))
    assert [v.pk for v in route] == [day.visit.pk, later.pk]
    assert list(selectors.route_for(actor=world.provider_manager, day=NOW.date())) == []


def test_the_confirmation_code_confirms_once_and_is_stored_hashed(day):
    check_in(day)
    code = services.visit_issue_code(actor=day.world.caregiver, visit=day.visit.pk, now=NOW)
    v = Visit.objects.get(pk=day.visit.pk)
    assert len(code) == 6 and code not in v.code_hash
    v = services.visit_confirm_code(actor=day.world.caregiver, visit=v.pk, code=code,
                                  now=NOW + dt.timedelta(minutes=5))
    assert v.confirmed_at == NOW + dt.timedelta(minutes=5) and v.code_hash == ""
    with pytest.raises(ServiceError, match="already confirmed"):
        services.visit_confirm_code(actor=day.world.caregiver, visit=v.pk, code=code, now=NOW)


def test_a_wrong_or_expired_code_is_refused(day, settings):
    check_in(day)
    code = services.visit_issue_code(actor=day.world.caregiver, visit=day.visit.pk, now=NOW)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ServiceError, match="wrong"):
        services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk, code=wrong,
                                  now=NOW)
    late = NOW + dt.timedelta(minutes=settings.HOMECARE["CODE_MINUTES"] + 1)
    with pytest.raises(ServiceError, match="expired"):
        services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk, code=code,
                                  now=late)
    assert Visit.objects.get(pk=day.visit.pk).confirmed_at is None


def test_five_wrong_codes_burn_the_code(day):
    check_in(day)
    code = services.visit_issue_code(actor=day.world.caregiver, visit=day.visit.pk, now=NOW)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(ServiceError, match="The code is wrong"):
            services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk,
                                      code=wrong, now=NOW)
    with pytest.raises(ServiceError, match="Too many wrong codes"):
        services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk, code=wrong,
                                  now=NOW)
    with pytest.raises(ServiceError, match="Ask for a confirmation code first"):
        services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk, code=code,
                                  now=NOW)
    # a new code starts a new count
    fresh = services.visit_issue_code(actor=day.world.caregiver, visit=day.visit.pk, now=NOW)
    assert services.visit_confirm_code(actor=day.world.caregiver, visit=day.visit.pk, code=fresh,
                                     now=NOW).confirmed_at == NOW


def test_no_code_before_check_in(day):
    with pytest.raises(ServiceError, match="Check in before"):
        services.visit_issue_code(actor=day.world.caregiver, visit=day.visit.pk, now=NOW)


def test_tasks_are_recorded_in_checklist_order_and_unknown_ones_refused(day):
    check_in(day)
    v = services.visit_record_tasks(actor=day.world.caregiver, visit=day.visit.pk,
                                  tasks_done=[TASKS[2], TASKS[0]], notes="血压 130/80")
    assert v.tasks_done == [TASKS[0], TASKS[2]] and v.notes == "血压 130/80"
    with pytest.raises(ValidationFailed, match="Not a task"):
        services.visit_record_tasks(actor=day.world.caregiver, visit=day.visit.pk,
                                  tasks_done=["打麻将"])
    assert Visit.objects.get(pk=day.visit.pk).tasks_done == [TASKS[0], TASKS[2]]


def test_revealing_the_address_is_access_logged_per_visit(day):
    address = services.visit_reveal_address(actor=day.world.caregiver, visit=day.visit.pk)
    assert address == day.elder.address
    log = AccessLog.objects.get(actor=day.world.caregiver, field="address")
    assert log.entity_id == str(day.elder.pk) and f"#{day.visit.pk}" in log.reason
    assert selectors.address_revealed(actor=day.world.caregiver,
                                      visits=[day.visit]) == {day.visit.pk}


def test_check_out_time_before_check_in_is_refused(day):
    check_in(day)
    with pytest.raises(ServiceError, match="before the check-in"):
        check_out(day, now=NOW - dt.timedelta(minutes=1))
    assert Visit.objects.get(pk=day.visit.pk).check_out_at is None
