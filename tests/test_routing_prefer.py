"""The passes after the solver (fill, preferred caregiver) never cost a served visit and keep
every route feasible."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anlao.homecare.dispatch.routing import Instance, Job, Plan, Point, Vehicle, solve

H = 3600
SKILLS = ("general", "bathing")


def day(draw) -> Instance:
    n_vans = draw(st.integers(1, 3))
    vans = [Vehicle(id=10 + i, start=Point(30.30, 120.10 + 0.01 * i),
                    end=Point(30.30, 120.10 + 0.01 * i),
                    shift=draw(st.sampled_from([(8 * H, 17 * H), (8 * H, 12 * H)])),
                    skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), min_size=1))))
            for i in range(n_vans)]
    jobs = []
    for k in range(draw(st.integers(1, 9))):
        lo = draw(st.integers(8, 15)) * H
        jobs.append(Job(id=k + 1, location=Point(draw(st.floats(30.28, 30.36)),
                                                 draw(st.floats(120.10, 120.18))),
                        service_s=draw(st.sampled_from([30, 60, 90])) * 60,
                        windows=((lo, lo + 2 * H),),
                        skills=frozenset({draw(st.sampled_from(SKILLS))}),
                        preferred=draw(st.sampled_from([None, *(v.id for v in vans)]))))
    return Instance(jobs=jobs, vehicles=vans)


def assert_feasible(instance: Instance, plan: Plan) -> None:
    jobs = {j.id: j for j in instance.jobs}
    vans = {v.id: v for v in instance.vehicles}
    for route in plan.routes:
        van = vans[route.vehicle_id]
        clock = van.shift[0]
        for stop in route.stops:
            job = jobs[stop.job_id]
            assert job.skills <= van.skills
            assert stop.arrival >= clock + stop.travel_s - 1
            assert stop.start >= stop.arrival
            assert any(lo <= stop.start <= hi for lo, hi in job.windows)
            clock = stop.start + job.service_s
        assert clock <= van.shift[1]
        assert sum(s.travel_s for s in route.stops) <= route.travel_s


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_preferences_never_lose_a_visit_and_routes_stay_feasible(data):
    instance = day(data.draw)
    plain = solve(instance, exploration_level=1, preference_s=0)
    preferred = solve(instance, exploration_level=1)
    assert preferred.served >= plain.served  # the fill after the moves may even add one
    assert set(preferred.unassigned) <= set(plain.unassigned)
    assert_feasible(instance, preferred)
    served = [s.job_id for r in preferred.routes for s in r.stops]
    assert len(served) == len(set(served))


def line_day(jobs: list[Job], vans: list[Vehicle], routes: dict[int, list[int]]):
    from anlao.homecare.dispatch.routing.prefer import Day, measure

    day = Day(instance=Instance(jobs=jobs, vehicles=vans),
              matrix=_line_matrix(vans, jobs), windows=[j.windows for j in jobs],
              routes=routes)
    measure(day)
    return day


def _line_matrix(vans: list[Vehicle], jobs: list[Job]) -> list[list[int]]:
    xs = [v.start.lng for v in vans] + [v.start.lng for v in vans] + [j.location.lng for j in jobs]
    return [[round(abs(a - b)) * 60 for b in xs] for a in xs]


def _van(vid: int, x: float) -> Vehicle:
    return Vehicle(vid, Point(0, x), Point(0, x), (8 * H, 17 * H))


def _job(jid: int, x: float, preferred: int | None = None) -> Job:
    return Job(jid, Point(0, x), 600, (), preferred=preferred)


def test_fill_inserts_a_left_out_visit_where_it_fits():
    from anlao.homecare.dispatch.routing.prefer import fill

    day = line_day([_job(1, 2), _job(2, 3)], [_van(7, 0)], {0: [0]})
    fill(day, {0: {0}, 1: {0}})
    assert sorted(day.routes[0]) == [0, 1] and day.changed == {0}
    assert day.travel[0] == 6 * 60  # out to 3 and back


def test_repair_moves_a_visit_to_its_preferred_caregiver_only_within_budget():
    from anlao.homecare.dispatch.routing.prefer import repair

    jobs, vans = [_job(1, 4, preferred=8)], [_van(7, 5), _van(8, 0)]
    near = line_day(jobs, vans, {0: [0]})
    repair(near, budget_s=6 * 60, able={0: {0, 1}})  # 8 min round trip instead of 2: +6 min
    assert near.routes[1] == [0] and near.routes[0] == []
    far = line_day(jobs, vans, {0: [0]})
    repair(far, budget_s=5 * 60, able={0: {0, 1}})
    assert far.routes == {0: [0]}
