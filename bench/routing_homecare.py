"""A generated home-care day (500 visits, 40 caregivers in Gongshu) — anlao's ``solve`` against
raw VROOM on the same instance. Used by bench/bench_routing.py; runs alone too:

    .venv/bin/python bench/routing_homecare.py [--levels 0 2 5] [--visits 500 --caregivers 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import vroom

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anlao.homecare.dispatch.routing import Instance, Job, Plan, Point, Vehicle, solve
from anlao.homecare.dispatch.routing.solve import job_windows
from anlao.homecare.dispatch.routing.travel import straight_line_s

LAT, LNG = (30.28, 30.36), (120.10, 120.18)  # Gongshu's bounding box, roughly
H = 3600
SKILLS = ("general", "bathing", "nursing")
SHIFTS = [((8 * H, 17 * H), 24), ((7 * H + 1800, 15 * H + 1800), 6), ((8 * H, 13 * H), 5),
          ((13 * H, 18 * H), 5)]  # (shift, how many caregivers)
SERVICE_MIN = ([30, 45, 60, 90, 120], [0.35, 0.30, 0.20, 0.10, 0.05])


def _point(rng: np.random.Generator, centres: np.ndarray) -> Point:
    """Elders cluster around community centres (about 300 m spread), clipped to the box."""
    lat, lng = centres[rng.integers(len(centres))] + rng.normal(0, 0.003, 2)
    return Point(round(float(np.clip(lat, *LAT)), 6), round(float(np.clip(lng, *LNG)), 6))


def _caregivers(rng: np.random.Generator, n: int, centres: np.ndarray) -> list[Vehicle]:
    shifts = [s for s, k in SHIFTS for _ in range(k)]
    vehicles = []
    for i in range(n):
        tags = {"general"}
        if rng.random() < 0.35:
            tags.add("nursing")
        if rng.random() < 0.35:
            tags.add("bathing")
        home = _point(rng, centres)
        vehicles.append(Vehicle(id=1000 + i, start=home, end=home,
                                shift=shifts[i % len(shifts)], skills=frozenset(tags)))
    return vehicles


def _window(rng: np.random.Generator) -> tuple[tuple[int, int], ...]:
    kind = rng.choice(3, p=[0.35, 0.35, 0.30])
    if kind == 0:
        return ((8 * H, 11 * H),)  # morning: start 08:00–11:00
    if kind == 1:
        return ((13 * H, 16 * H + 1800),)  # afternoon
    start = int(rng.integers(8, 16)) * H
    return ((start, start + 2 * H),)  # a two-hour slot


def generate(seed: int = 5, visits: int = 500, caregivers: int = 40) -> Instance:
    """A deterministic day: skills, windows, shifts, 30–120 minute visits, and for 70% of
    visits the caregiver the elder had before (one holding the visit's skill)."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack([rng.uniform(*LAT, 25), rng.uniform(*LNG, 25)])
    vehicles = _caregivers(rng, caregivers, centres)
    jobs = []
    for k in range(visits):
        skill = str(rng.choice(SKILLS, p=[0.6, 0.2, 0.2]))
        home = _point(rng, centres)
        jobs.append(Job(id=k + 1, location=home,
                        service_s=int(rng.choice(SERVICE_MIN[0], p=SERVICE_MIN[1])) * 60,
                        windows=_window(rng),
                        skills=frozenset({skill}),
                        preferred=_usual(rng, vehicles, skill, home) if rng.random() < 0.7
                        else None))
    return Instance(jobs=jobs, vehicles=vehicles)


def _usual(rng: np.random.Generator, vehicles: list[Vehicle], skill: str, home: Point) -> int:
    """The caregiver the elder had before: earlier plans favoured nearby caregivers, so one of
    the 3 nearest with the skill (4 in 5 elders), else any with the skill."""
    able = [v for v in vehicles if skill in v.skills]
    if rng.random() < 0.8:
        able.sort(key=lambda v: (v.start.lat - home.lat) ** 2 + (v.start.lng - home.lng) ** 2)
        able = able[:3]
    return able[int(rng.integers(len(able)))].id


def raw_vroom(instance: Instance, level: int, threads: int = 1
              ) -> tuple[int, int, tuple[int, int], set]:
    """pyvroom called directly on the same day: same matrix, skills, windows and shifts; no
    pre-checks, no preference pass. Returns served, travel s, (wall, CPU) ms, and the
    (job, vehicle) pairs."""
    started, cpu = time.perf_counter(), time.process_time()
    nv = len(instance.vehicles)
    nodes = ([v.start for v in instance.vehicles] + [v.end or v.start for v in instance.vehicles]
             + [j.location for j in instance.jobs])
    matrix = straight_line_s(nodes, detour_factor=instance.detour_factor,
                             speed_kmh=instance.speed_kmh)
    skill = {t: i + 1 for i, t in enumerate(SKILLS)}
    problem = vroom.Input()
    problem.set_durations_matrix("car", matrix)
    for i, v in enumerate(instance.vehicles):
        problem.add_vehicle(vroom.Vehicle(v.id, start=i, end=nv + i, time_window=v.shift,
                                          skills={skill[t] for t in v.skills}))
    for k, j in enumerate(instance.jobs):
        problem.add_job(vroom.Job(j.id, location=2 * nv + k, default_service=j.service_s,
                                  skills={skill[t] for t in j.skills},
                                  time_windows=list(job_windows(j))))
    routes = problem.solve(exploration_level=level, nb_threads=threads).routes
    ms = round((time.perf_counter() - started) * 1000)
    cpu_ms = round((time.process_time() - cpu) * 1000)
    jobs = routes[routes["type"] == "job"]
    travel = int(routes[routes["type"] == "end"]["duration"].sum())
    pairs = {(int(j), int(v)) for j, v in zip(jobs["id"], jobs["vehicle_id"], strict=True)}
    return len(jobs), travel, (ms, cpu_ms), pairs


def kept(instance: Instance, pairs: set) -> tuple[int, int]:
    """(served visits that went to the elder's preferred caregiver, served visits that have one)."""
    wanted = {j.id: j.preferred for j in instance.jobs if j.preferred is not None}
    with_pref = [(j, v) for j, v in pairs if j in wanted]
    return sum(wanted[j] == v for j, v in with_pref), len(with_pref)


def plan_pairs(plan: Plan) -> set:
    return {(s.job_id, r.vehicle_id) for r in plan.routes for s in r.stops}


def run(levels: list[int], visits: int = 500, caregivers: int = 40, seed: int = 5,
        threads: int = 1, modes: tuple[str, ...] = ("repair",)) -> list[dict]:
    """One row per (solver, level): served, travel hours, seconds, preferred kept."""
    instance = generate(seed, visits, caregivers)
    rows = []
    for level in levels:
        at = load()
        served, travel, (ms, cpu_ms), pairs = raw_vroom(instance, level, threads)
        rows.append({"solver": "raw VROOM", "level": level, "served": served, "travel_s": travel,
                     "ms": ms, "cpu_ms": cpu_ms, "kept": kept(instance, pairs), "load": at})
        print(rows[-1], flush=True)
        for mode in modes:
            rows.append(_anlao(instance, level, threads, mode))
            print(rows[-1], flush=True)
    return rows


def _anlao(instance: Instance, level: int, threads: int, mode: str) -> dict:
    at, cpu = load(), time.process_time()
    plan = solve(instance, exploration_level=level, threads=threads, preference=mode)
    return {"solver": f"anlao solve ({mode})", "level": level, "served": plan.served,
            "travel_s": plan.travel_s, "ms": plan.solve_ms,
            "cpu_ms": round((time.process_time() - cpu) * 1000),
            "kept": kept(instance, plan_pairs(plan)), "load": at,
            "reasons": _count(plan.unassigned.values())}


def load() -> float:
    import os

    return round(os.getloadavg()[0], 1)


def _count(values) -> dict:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, nargs="+", default=[0, 2, 5])
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--caregivers", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--modes", nargs="+", default=["repair"])
    a = parser.parse_args()
    run(a.levels, a.visits, a.caregivers, threads=a.threads, modes=tuple(a.modes))
