"""The dispatch core on tiny instances whose optimum is known by hand.

Points sit on a line (lat 0, lng = position); the duration matrix is |a − b| minutes, so every
route's travel can be added up on paper.
"""

from __future__ import annotations

import pytest

from anlao.homecare.dispatch.routing import Instance, Job, Point, Vehicle, reasons, solve

MIN = 60
DAY = (8 * 3600, 17 * 3600)


def at(x: int) -> Point:
    return Point(0.0, float(x))


def line(jobs: list[Job], vehicles: list[Vehicle], span: int = 10) -> Instance:
    points = [at(x) for x in range(span + 1)]
    durations = [[abs(a - b) * MIN for b in range(span + 1)] for a in range(span + 1)]
    return Instance(jobs=jobs, vehicles=vehicles, durations=durations, locations=points)


def job(jid: int, x: int, **kw) -> Job:
    kw.setdefault("service_s", 10 * MIN)
    kw.setdefault("windows", ())
    return Job(id=jid, location=at(x), **kw)


def van(vid: int, x: int = 0, *, end: bool = True, shift=DAY, skills=()) -> Vehicle:
    return Vehicle(id=vid, start=at(x), end=at(x) if end else None, shift=shift,
                   skills=frozenset(skills))


def route_of(plan, vehicle_id: int) -> list[int]:
    stops = [[s.job_id for s in r.stops] for r in plan.routes if r.vehicle_id == vehicle_id]
    return stops[0] if stops else []


def test_three_jobs_on_a_line_are_visited_in_order_out_and_back():
    plan = solve(line([job(1, 2), job(2, 3), job(3, 1)], [van(9)]))
    assert route_of(plan, 9) in ([3, 1, 2], [2, 1, 3])
    assert plan.travel_s == 6 * MIN  # 0 → 3 and back
    assert plan.served == 3 and plan.unassigned == {}


def test_stops_carry_arrival_start_and_travel_that_add_up():
    plan = solve(line([job(1, 1), job(2, 2)], [van(9, end=False)]))
    stops = plan.routes[0].stops
    assert [s.job_id for s in stops] == [1, 2]
    assert [s.travel_s for s in stops] == [MIN, MIN]
    assert stops[1].arrival == stops[0].start + 10 * MIN + MIN
    assert plan.routes[0].travel_s == plan.travel_s == 2 * MIN


def test_a_window_forces_the_farther_job_first():
    early, late = (DAY[0], DAY[0] + 30 * MIN), (DAY[0] + 2 * 3600, DAY[1])
    plan = solve(line([job(1, 1, windows=(late,)), job(2, 2, windows=(early,))],
                      [van(9, end=False)]))
    assert route_of(plan, 9) == [2, 1]
    assert plan.travel_s == 3 * MIN
    first, second = plan.routes[0].stops
    assert early[0] <= first.start <= early[1] and second.start >= late[0]


def test_a_skill_only_one_caregiver_has_goes_to_that_caregiver_even_if_farther():
    plan = solve(line([job(1, 1, skills=frozenset({"nursing"}))],
                      [van(7, 0, skills={"general"}), van(8, 6, skills={"general", "nursing"})]))
    assert route_of(plan, 8) == [1] and route_of(plan, 7) == []


def test_a_job_nobody_has_the_skill_for_is_unassigned_with_that_reason():
    plan = solve(line([job(1, 1, skills=frozenset({"bathing"})), job(2, 2)], [van(7)]))
    assert plan.unassigned == {1: reasons.NO_SKILL}
    assert route_of(plan, 7) == [2]


def test_a_window_outside_every_shift_is_unassigned_with_that_reason():
    evening = ((19 * 3600, 20 * 3600),)
    plan = solve(line([job(1, 1, windows=evening)], [van(7), van(8, 3)]))
    assert plan.unassigned == {1: reasons.OUTSIDE_HOURS} and plan.routes == []


def test_jobs_that_do_not_fit_in_time_are_unassigned_as_no_time():
    window = ((DAY[0], DAY[0] + 10 * MIN),)
    jobs = [job(1, 1, windows=window, service_s=60 * MIN), job(2, 1, windows=window,
                                                               service_s=60 * MIN)]
    plan = solve(line(jobs, [van(7)]))
    assert plan.served == 1
    assert list(plan.unassigned.values()) == [reasons.NO_TIME]


def test_no_caregiver_at_all_leaves_every_job_with_a_reason():
    plan = solve(line([job(1, 1), job(2, 2)], []))
    assert plan.unassigned == {1: reasons.NO_CAREGIVER, 2: reasons.NO_CAREGIVER}


def test_a_pinned_job_stays_with_its_caregiver_though_another_is_closer():
    plan = solve(line([job(1, 1, pinned_to=8), job(2, 2)], [van(7, 1), van(8, 9)]))
    assert 1 in route_of(plan, 8)
    assert 1 not in route_of(plan, 7)


def test_a_pinned_start_keeps_the_visit_near_that_time():
    pinned = 14 * 3600
    plan = solve(line([job(1, 1, pinned_to=7, pinned_start=pinned)], [van(7)]))
    start = plan.routes[0].stops[0].start
    assert pinned <= start <= pinned + 15 * MIN


def test_a_zero_width_window_pins_the_time_exactly_on_a_busy_route():
    at_two = 14 * 3600
    jobs = [job(1, 1, pinned_to=7, windows=((at_two, at_two),)), job(2, 2), job(3, 3)]
    plan = solve(line(jobs, [van(7)]))
    stops = {s.job_id: s for s in plan.routes[0].stops}
    assert stops[1].start == at_two and plan.served == 3


def test_a_job_pinned_to_an_absent_caregiver_says_so():
    plan = solve(line([job(1, 1, pinned_to=99)], [van(7)]))
    assert plan.unassigned == {1: reasons.PINNED_ABSENT}


def test_the_preferred_caregiver_wins_a_small_detour():
    # the job is 1 minute closer to caregiver 7; the elder's usual caregiver is 8
    jobs = [job(1, 4, preferred=8)]
    vans = [van(7, 5, end=False), van(8, 2, end=False)]
    assert route_of(solve(line(jobs, vans), preference_s=0), 7) == [1]
    assert route_of(solve(line(jobs, vans)), 8) == [1]


def test_a_preference_never_costs_a_served_visit():
    # caregiver 8 (preferred for both) has time for one visit only: the other goes to 7
    window = ((DAY[0], DAY[0] + 30 * MIN),)
    jobs = [job(1, 1, windows=window, service_s=60 * MIN, preferred=8),
            job(2, 1, windows=window, service_s=60 * MIN, preferred=8)]
    plan = solve(line(jobs, [van(7, 0), van(8, 0)]))
    assert plan.served == 2
    assert len(route_of(plan, 7)) == 1 and len(route_of(plan, 8)) == 1


def test_capacity_splits_loads_and_refuses_an_oversized_job():
    vans = [Vehicle(7, at(0), at(0), DAY, capacity=10), Vehicle(8, at(0), at(0), DAY, capacity=10)]
    plan = solve(line([job(1, 1, demand=6), job(2, 2, demand=6), job(3, 3, demand=11)], vans))
    assert plan.unassigned == {3: reasons.TOO_LARGE}
    assert sorted(len(r.stops) for r in plan.routes) == [1, 1]


def test_straight_line_travel_uses_detour_and_speed():
    # 0.01° of latitude ≈ 1,111.95 m; × 1.3 at 15 km/h (4.1667 m/s) ≈ 347 s
    a, b = Point(30.30, 120.15), Point(30.31, 120.15)
    plan = solve(Instance(jobs=[Job(1, b, 0, ())], vehicles=[Vehicle(7, a, None, DAY)]))
    assert plan.routes[0].stops[0].travel_s == 347


def test_a_pinned_job_that_cannot_fit_at_its_pinned_time_says_so():
    # both pinned to 7 at the same time, each 60 minutes: only one can start near 14:00
    pinned = 14 * 3600
    jobs = [job(1, 1, pinned_to=7, pinned_start=pinned, service_s=60 * MIN),
            job(2, 1, pinned_to=7, pinned_start=pinned, service_s=60 * MIN)]
    plan = solve(line(jobs, [van(7), van(8)]))
    assert plan.served == 1 and route_of(plan, 8) == []
    assert list(plan.unassigned.values()) == [reasons.PINNED_NO_TIME]


def test_every_reason_has_a_chinese_translation_pending():
    from pathlib import Path

    po = (Path(__file__).resolve().parent.parent / "locale/pending/routing.po").read_text("utf-8")
    for reason in reasons.ALL:
        assert f'msgid "{reason}"' in po


def test_the_pyvrp_backend_plans_a_day_without_skills_on_the_same_interface():
    vans = [Vehicle(7, at(0), at(0), DAY, capacity=10), Vehicle(8, at(0), at(0), DAY, capacity=10)]
    jobs = [job(1, 1, demand=6), job(2, 2, demand=6), job(3, 3, demand=4)]
    plan = solve(line(jobs, vans), backend="pyvrp", time_limit_s=0.2)
    assert plan.served == 3 and plan.unassigned == {}
    # best: one van does 2 and 3 (load 10, out to 3 and back = 6 min), the other 1 (2 min)
    assert plan.travel_s == 8 * MIN
    assert sorted(sorted(s.job_id for s in r.stops) for r in plan.routes) == [[1], [2, 3]]


def test_the_pyvrp_backend_refuses_a_day_with_skills():
    with pytest.raises(ValueError, match="skills"):
        solve(line([job(1, 1, skills=frozenset({"nursing"}))], [van(7, skills={"nursing"})]),
              backend="pyvrp", time_limit_s=0.1)
