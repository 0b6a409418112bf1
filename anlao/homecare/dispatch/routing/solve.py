"""``solve(instance) -> Plan`` on pyvroom (VROOM): the dispatch core.

How the home-care rules map onto VROOM:

- skills: string tags become small integers; a vehicle must hold all of a job's skills.
- pinned jobs: each pinned-to caregiver gets a private skill that only its pinned jobs require,
  so the solver cannot move them to anyone else; ``pinned_start`` narrows the job's window to
  [pinned_start, pinned_start + ``PIN_SLACK_S``] (the dispatcher's choice wins over the order's
  window; a zero-width window in ``Job.windows`` pins the time exactly).
- preferred caregiver (soft): VROOM plans for served visits and travel only; then a repair pass
  (``prefer.py``) moves visits to the elder's usual caregiver when that costs at most
  ``preference_s`` of extra travel per visit kept, never dropping a visit. The alternative
  (``preference="costs"``: one routing profile per caregiver whose cost matrix adds
  ``preference_s`` to arcs into other caregivers' elders) is kept for the benchmark: it served
  fewer visits. See docs/routing.md for both measurements.
- jobs nobody can do (skill, pin, capacity, hours) are held back with a precise reason; after
  solving, a fill pass inserts left-out visits where they still fit; the rest did not fit in
  time.
"""

from __future__ import annotations

import time

import numpy as np
import vroom

from anlao.homecare.dispatch.routing import pyvrp_backend, reasons
from anlao.homecare.dispatch.routing.model import Instance, Job, Plan, Route, Stop, Vehicle
from anlao.homecare.dispatch.routing.prefer import Day, fill, measure, repair
from anlao.homecare.dispatch.routing.travel import node_durations

PIN_SLACK_S = 15 * 60  # a pinned visit may start up to this much after its pinned time
PREFERENCE_S = 10 * 60  # extra travel worth keeping an elder with their usual caregiver
UNLIMITED = 10**9  # capacity of a vehicle without one, when others have one
PROFILE = "care"


def solve(instance: Instance, *, exploration_level: int = 2, threads: int = 1,
          preference_s: int = PREFERENCE_S, preference: str = "repair", backend: str = "vroom",
          time_limit_s: float | None = None) -> Plan:
    """Assign and order ``instance``'s jobs; unassignable jobs get a reason (English source,
    translate at display). ``preference_s`` = 0 turns the preferred-caregiver stage off;
    ``preference`` is "repair" (default) or "costs" (see the module docstring). ``backend``
    "pyvrp" (days without skills or pins) searches for ``time_limit_s`` seconds (default
    0.5 + 0.5 × exploration level); it raises ValueError for a day it cannot take."""
    if preference not in ("repair", "costs") or backend not in ("vroom", "pyvrp"):
        raise ValueError(f"unknown preference {preference!r} or backend {backend!r}")
    started = time.perf_counter()
    nv = len(instance.vehicles)
    nodes = ([v.start for v in instance.vehicles] + [v.end or v.start for v in instance.vehicles]
             + [j.location for j in instance.jobs])
    matrix = node_durations(instance, nodes) if nodes else np.zeros((0, 0), np.int64)
    unassigned, able = _precheck(instance, matrix)
    todo = sorted(able)
    routes: list[Route] = []
    if todo:
        if backend == "pyvrp":
            limit = time_limit_s if time_limit_s is not None else 0.5 + 0.5 * exploration_level
            routes = _solve_pyvrp(instance, todo, matrix, limit)
        else:
            costs_s = preference_s if preference == "costs" else 0
            problem = _problem(instance, todo, matrix, costs_s)
            routes = _routes(problem.solve(exploration_level=exploration_level,
                                           nb_threads=threads))
        routes = _post(instance, matrix, routes, able,
                       preference_s if preference == "repair" else 0)
        served = {s.job_id - 1 for r in routes for s in r.stops}
        for k in todo:  # what the solver left out did not fit in time
            if k not in served:
                pinned = instance.jobs[k].pinned_to is not None
                unassigned[instance.jobs[k].id] = (
                    reasons.PINNED_NO_TIME if pinned else reasons.NO_TIME)
        _relabel(routes, instance, nv)
    travel = sum(r.travel_s for r in routes)
    return Plan(routes=routes, unassigned=unassigned, travel_s=travel,
                solve_ms=round((time.perf_counter() - started) * 1000))


def _solve_pyvrp(instance: Instance, todo: list[int], matrix: np.ndarray,
                 limit_s: float) -> list[Route]:
    """PyVRP's sequences, timed like the preference pass (internal ids)."""
    why = pyvrp_backend.unsupported(instance, todo)
    if why is not None:
        raise ValueError(f"the PyVRP backend cannot plan a day with {why}")
    day = _day(instance, matrix, {})
    seqs = pyvrp_backend.solve_pyvrp(instance, todo, matrix, day.windows, limit_s)
    return [route for i, seq in sorted(seqs.items())
            if (route := _timed_route(day, i, seq)) is not None]


def _day(instance: Instance, matrix: np.ndarray, routes: dict[int, list[int]]) -> Day:
    return Day(instance=instance, matrix=matrix.tolist(),
               windows=[job_windows(j) for j in instance.jobs], routes=routes)


def _timed_route(day: Day, i: int, seq: list[int]) -> Route | None:
    """A Route (internal ids) for vehicle index ``i``; None if empty or infeasible."""
    timed = day.schedule(i, seq) if seq else None
    if timed is None:
        return None
    stops = [Stop(k + 1, arrival, start, travel)
             for k, (arrival, start, travel) in zip(seq, timed[0], strict=True)]
    return Route(vehicle_id=i + 1, stops=stops, travel_s=timed[1])


def job_windows(job: Job) -> tuple[tuple[int, int], ...]:
    """The windows the solver sees. A pinned start narrows them to [pinned, pinned + slack]:
    never earlier, so that the earliest-start plan does not creep earlier on every re-plan."""
    if job.pinned_to is not None and job.pinned_start is not None:
        return ((job.pinned_start, job.pinned_start + PIN_SLACK_S),)
    return tuple(sorted(job.windows))


def _precheck(instance: Instance, matrix: np.ndarray
              ) -> tuple[dict[int, str], dict[int, set[int]]]:
    """Reasons for jobs no vehicle can do; for the rest (by index into instance.jobs), the
    indexes of the vehicles allowed to do them."""
    vehicles, nv = instance.vehicles, len(instance.vehicles)
    if not vehicles:
        return {j.id: reasons.NO_CAREGIVER for j in instance.jobs}, {}
    shift_start = np.array([v.shift[0] for v in vehicles], np.int64)
    shift_end = np.array([v.shift[1] for v in vehicles], np.int64)
    has_end = np.array([v.end is not None for v in vehicles])
    unassigned: dict[int, str] = {}
    todo: dict[int, set[int]] = {}
    for k, job in enumerate(instance.jobs):
        who, why = reasons.capable(job, vehicles)
        if why is None:
            node = 2 * nv + k
            ends = np.arange(nv, 2 * nv)[who]
            back = np.where(has_end[who], matrix[node, ends], 0)
            if not reasons.fits_some_shift(job_windows(job), job.service_s, shift_start[who],
                                           shift_end[who], matrix[who, node], back):
                why = reasons.OUTSIDE_HOURS
        if why is None:
            todo[k] = set(who)
        else:
            unassigned[job.id] = why
    return unassigned, todo


def _skill_ids(instance: Instance) -> dict[str, int]:
    tags = sorted({t for j in instance.jobs for t in j.skills}
                  | {t for v in instance.vehicles for t in v.skills})
    ids = {t: i + 1 for i, t in enumerate(tags)}
    for i, v in enumerate(instance.vehicles):  # private "pin" skill per vehicle
        ids[f"\0pin:{v.id}"] = len(tags) + 1 + i
    return ids


def _problem(instance: Instance, todo: list[int], matrix: np.ndarray,
             preference_s: int) -> vroom.Input:
    """The VROOM input. Internal ids: vehicle index + 1 and job index + 1 (relabelled after)."""
    problem = vroom.Input()
    profiles = _profiles(instance, todo, matrix, preference_s)
    for name, costs in profiles.items():
        problem.set_durations_matrix(name, matrix)
        if costs is not None:
            problem.set_costs_matrix(name, costs)
    skills = _skill_ids(instance)
    capacity = (any(v.capacity is not None for v in instance.vehicles)
                or any(instance.jobs[k].demand for k in todo))
    nv = len(instance.vehicles)
    for i, v in enumerate(instance.vehicles):
        problem.add_vehicle(_vehicle(i, v, nv, skills, capacity,
                                     f"v{v.id}" if f"v{v.id}" in profiles else PROFILE))
    for k in todo:
        job = instance.jobs[k]
        tags = {skills[t] for t in job.skills}
        if job.pinned_to is not None:
            tags.add(skills[f"\0pin:{job.pinned_to}"])
        extra = {"delivery": [job.demand]} if capacity else {}
        problem.add_job(vroom.Job(k + 1, location=2 * nv + k, default_service=job.service_s,
                                  skills=tags, priority=job.priority,
                                  time_windows=list(job_windows(job)), **extra))
    return problem


def _vehicle(i: int, v: Vehicle, nv: int, skills: dict[str, int], capacity: bool,
             profile: str) -> vroom.Vehicle:
    tags = {skills[t] for t in v.skills} | {skills[f"\0pin:{v.id}"]}
    extra = {"capacity": [UNLIMITED if v.capacity is None else v.capacity]} if capacity else {}
    return vroom.Vehicle(i + 1, start=i, end=(nv + i) if v.end is not None else None,
                         profile=profile, skills=tags, time_window=v.shift, **extra)


def _profiles(instance: Instance, todo: list[int], matrix: np.ndarray,
              preference_s: int) -> dict[str, np.ndarray | None]:
    """One shared profile (plain travel cost), or, when preferences apply, one cost matrix per
    preferred vehicle plus one for everybody else."""
    vehicle_ids = {v.id for v in instance.vehicles}
    nv = len(instance.vehicles)
    wanted = {2 * nv + k: instance.jobs[k].preferred for k in todo
              if instance.jobs[k].preferred in vehicle_ids and instance.jobs[k].pinned_to is None}
    if preference_s <= 0 or not wanted:
        return {PROFILE: None}
    columns = np.fromiter(wanted.keys(), np.int64, len(wanted))
    owners = np.fromiter(wanted.values(), np.int64, len(wanted))
    profiles: dict[str, np.ndarray | None] = {}
    for vid in [*sorted(set(wanted.values())), None]:
        costs = matrix.copy()
        penalised = columns if vid is None else columns[owners != vid]
        costs[:, penalised] += preference_s
        profiles[PROFILE if vid is None else f"v{vid}"] = costs
    return profiles


def _routes(solution: vroom.Solution) -> list[Route]:
    """Routes with VROOM's internal ids (vehicle/job index + 1), in VROOM's order."""
    frame = solution.routes
    routes: dict[int, Route] = {}
    previous = 0
    for row in frame.itertuples(index=False):
        vid = int(row.vehicle_id)
        if row.type == "start":
            routes[vid] = Route(vehicle_id=vid, stops=[], travel_s=0)
            previous = 0
        elif row.type == "job":
            routes[vid].stops.append(Stop(
                job_id=int(row.id), arrival=int(row.arrival),
                start=int(row.arrival + row.waiting_time + row.setup),
                travel_s=int(row.duration) - previous))
            previous = int(row.duration)
        routes[vid].travel_s = int(row.duration)
    return [r for r in routes.values() if r.stops]


def _post(instance: Instance, matrix: np.ndarray, routes: list[Route],
          able: dict[int, set[int]], budget_s: int) -> list[Route]:
    """Fill, then the preference repair (budget > 0), on internal-id routes; re-time the
    routes they changed."""
    day = _day(instance, matrix,
               {r.vehicle_id - 1: [s.job_id - 1 for s in r.stops] for r in routes})
    measure(day)
    fill(day, able)
    if budget_s > 0:
        repair(day, budget_s, able)
        fill(day, able)  # moves can leave room where a left-out visit now fits
    kept = [r for r in routes if r.vehicle_id - 1 not in day.changed]
    for i in sorted(day.changed):
        route = _timed_route(day, i, day.routes[i])
        if route is not None:
            kept.append(route)
    return sorted(kept, key=lambda r: r.vehicle_id)


def _relabel(routes: list[Route], instance: Instance, nv: int) -> None:
    """Internal ids → the instance's vehicle and job ids."""
    for route in routes:
        route.vehicle_id = instance.vehicles[route.vehicle_id - 1].id
        route.stops = [Stop(instance.jobs[s.job_id - 1].id, s.arrival, s.start, s.travel_s)
                       for s in route.stops]
