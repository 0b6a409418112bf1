"""Solomon VRPTW instances through the dispatch core — same code path as production: build an
``Instance`` with a precomputed duration matrix, call ``solve``, then recompute the true cost
(sum of Euclidean route lengths, unrounded) from the returned routes. Used by
bench/bench_routing.py; runs alone too:

    .venv/bin/python bench/routing_solomon.py [--levels 2 5] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anlao.homecare.dispatch.routing import Instance, Job, Plan, Point, Vehicle, solve

DATA = Path("/work/shared/bench-data/solomon")
SCALE = 1000  # VROOM takes integer seconds: distances and times × 1000, rounded


def read(path: Path) -> tuple[int, int, list[tuple[float, ...]]]:
    """(vehicles, capacity, rows of id, x, y, demand, ready, due, service); row 0 = depot."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    at = next(i for i, ln in enumerate(lines) if ln[:1] == ["NUMBER"])
    vehicles, capacity = int(lines[at + 1][0]), int(lines[at + 1][1])
    rows = [tuple(float(x) for x in ln) for ln in lines if len(ln) == 7 and ln[0].isdigit()]
    return vehicles, capacity, rows


def instance(path: Path, fleet_size: int | None = None) -> tuple[Instance, dict[int, Point]]:
    """The instance (x → lng, y → lat; durations = Euclidean × SCALE) and each id's point;
    ``fleet_size`` limits the vehicles (e.g. to the best known solution's count)."""
    vehicles, capacity, rows = read(path)
    vehicles = fleet_size or vehicles
    points = {int(r[0]): Point(lat=r[2], lng=r[1]) for r in rows}
    locations = list(dict.fromkeys(points.values()))
    durations = [[round(math.dist((a.lng, a.lat), (b.lng, b.lat)) * SCALE) for b in locations]
                 for a in locations]
    depot = rows[0]
    fleet = [Vehicle(id=i + 1, start=points[0], end=points[0], capacity=capacity,
                     shift=(int(depot[4]) * SCALE, int(depot[5]) * SCALE))
             for i in range(vehicles)]
    jobs = [Job(id=int(r[0]), location=points[int(r[0])], service_s=int(r[6]) * SCALE,
                windows=((int(r[4]) * SCALE, int(r[5]) * SCALE),), demand=int(r[3]))
            for r in rows[1:]]
    return Instance(jobs=jobs, vehicles=fleet, durations=durations, locations=locations), points


def true_cost(plan: Plan, points: dict[int, Point]) -> float:
    """Sum of Euclidean route lengths, depot → stops → depot, in full precision."""
    total = 0.0
    for route in plan.routes:
        stops = [points[0], *(points[s.job_id] for s in route.stops), points[0]]
        total += sum(math.dist((a.lng, a.lat), (b.lng, b.lat)) for a, b in pairwise(stops))
    return total


def best_known() -> dict:
    return json.loads((DATA / "BKS.json").read_text())


def run_one(name: str, level: int, threads: int, backend: str = "vroom",
            fleet: str = "file") -> dict:
    """``fleet`` "file": the file's 25 vehicles; "bks": as many as the best known solution."""
    bks = best_known()[name]
    inst, points = instance(DATA / f"{name}.txt",
                            bks["solved_with_vehicles"] if fleet == "bks" else None)
    cpu = time.process_time()
    plan = solve(inst, exploration_level=level, threads=threads, **_backend(backend))
    cpu = time.process_time() - cpu
    cost = true_cost(plan, points)
    return {"instance": name, "backend": backend, "fleet": fleet, "level": level,
            "threads": threads,
            "served": plan.served, "vehicles": len(plan.routes),
            "bks_vehicles": bks["solved_with_vehicles"], "cost": round(cost, 2),
            "bks": bks["best_known_cost"], "gap_pct": round(100 * (cost / bks["best_known_cost"]
                                                                   - 1), 2),
            "seconds": round(plan.solve_ms / 1000, 2), "cpu": round(cpu, 2)}


def _backend(name: str) -> dict:
    return {"backend": name}


def names() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.txt"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, nargs="+", default=[2, 5])
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--backend", default="vroom")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--fleet", default="file", choices=["file", "bks"])
    a = parser.parse_args()
    for name in a.only or names():
        for level in a.levels:
            for threads in a.threads:
                print(run_one(name, level, threads, a.backend, a.fleet), flush=True)
