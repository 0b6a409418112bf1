"""PyVRP (hybrid genetic search) as a second backend behind ``solve`` — for days without skills
or pinned visits and with at most one window per visit, where it finds shorter routes than
VROOM in the same time (bench/RESULTS.md, Solomon). It is a fixed-time search: it runs for
``time_limit_s`` however easy the day is.

Every visit is optional with a prize larger than any detour it could cause, so a day that does
not fit drops visits instead of failing, and a visit is only dropped when it cannot be fitted.
Routes come back as sequences; timings are recomputed the same way as the preference pass.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from anlao.homecare.dispatch.routing.model import Instance
from anlao.homecare.dispatch.routing.reasons import OPEN

BIG = 2**40  # "no time limit" for PyVRP's 64-bit times


def unsupported(instance: Instance, todo: list[int]) -> str | None:
    """Why PyVRP cannot take this day (None when it can)."""
    jobs = [instance.jobs[k] for k in todo]
    if any(j.skills for j in jobs) or any(v.skills for v in instance.vehicles):
        return "skills"
    if any(j.pinned_to is not None for j in jobs):
        return "pinned visits"
    if any(len(j.windows) > 1 for j in jobs):
        return "several windows per visit"
    if any(v.end is None for v in instance.vehicles):
        return "open routes"
    return None


def solve_pyvrp(instance: Instance, todo: list[int], matrix: np.ndarray,
                windows: list[tuple[tuple[int, int], ...]], time_limit_s: float,
                seed: int = 1) -> dict[int, list[int]]:
    """Job sequences (job indexes) per vehicle index."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    model = pyvrp.Model()
    nv = len(instance.vehicles)
    types = _vehicle_groups(instance)
    nodes = sorted({n for i in types for n in (i, nv + i)} | {2 * nv + k for k in todo})
    loc = {n: model.add_location(0, 0) for n in nodes}  # coordinates unused: explicit edges
    for i, members in types.items():
        v = instance.vehicles[i]
        start, end = model.add_depot(loc[i]), model.add_depot(loc[nv + i])
        model.add_vehicle_type(num_available=len(members), start_depot=start, end_depot=end,
                               capacity=[v.capacity if v.capacity is not None else BIG],
                               tw_early=v.shift[0], tw_late=v.shift[1])
    prize = int(2 * matrix.max() + 1)
    for k in todo:
        job = instance.jobs[k]
        lo, hi = (windows[k] or (OPEN,))[0]
        model.add_client(loc[2 * nv + k], delivery=[job.demand], service_duration=job.service_s,
                         tw_early=lo, tw_late=hi, required=False, prize=prize)
    for a in nodes:
        for b in nodes:
            model.add_edge(loc[a], loc[b], distance=int(matrix[a, b]), duration=int(matrix[a, b]))
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    return _sequences(result.best, types, todo)


def _vehicle_groups(instance: Instance) -> dict[int, list[int]]:
    """Identical vehicles (start, end, shift, capacity) become one PyVRP vehicle type, keyed by
    the first member's index."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, v in enumerate(instance.vehicles):
        groups[(v.start, v.end, v.shift, v.capacity)].append(i)
    return {members[0]: members for members in groups.values()}


def _sequences(solution, types: dict[int, list[int]], todo: list[int]) -> dict[int, list[int]]:
    free = [list(members) for members in types.values()]  # PyVRP type index → vehicle indexes
    routes: dict[int, list[int]] = {}
    for route in solution.routes():
        seq = [todo[a.idx] for a in route.schedule() if a.is_client()]
        if seq:
            routes[free[route.vehicle_type()].pop(0)] = seq
    return routes
