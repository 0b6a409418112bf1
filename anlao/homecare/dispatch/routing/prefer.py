"""Passes over the solver's plan: fill (insert visits left out) and the preferred caregiver.

Fill: for each visit the solver left out (highest priority first), the cheapest feasible
insertion into any capable caregiver's route. VROOM's local search usually leaves little, but
on a crowded day, at low exploration levels, a few visits still fit; this never removes one.

Preferred caregiver, as a repair pass after VROOM has solved.

VROOM has no notion of "this job would rather go to that vehicle": priorities only decide
*which* jobs are served, and per-vehicle cost matrices (one routing profile per caregiver,
penalising arcs into other caregivers' elders) distort its search — measured on the generated
day it served fewer visits (docs/routing.md). So the solver plans for served visits and travel
alone, and this pass then moves visits to the elder's usual caregiver where that caregiver's
route can take them in time:

- relocate: insert the visit at the cheapest feasible place in the preferred caregiver's route;
- swap: exchange it with a visit of that route whose elder does not prefer that caregiver.

A move is taken when the extra travel is at most ``budget_s`` per preference it honours. Moves
never drop a visit, so the served count is exactly the solver's ("served visits win").
Schedules are recomputed here (earliest start; a caregiver leaves home late rather than wait at
the first door) for the routes that change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from anlao.homecare.dispatch.routing.model import Instance
from anlao.homecare.dispatch.routing.reasons import OPEN

Timing = list[tuple[int, int, int]]  # per stop: arrival, start, travel from the previous stop


@dataclass
class Day:
    """The instance in solver indexes: vehicle i (start node i, end node nv + i), job k (node
    2·nv + k), plus each route's job sequence and travel."""

    instance: Instance
    matrix: list[list[int]]
    windows: list[tuple[tuple[int, int], ...]]
    routes: dict[int, list[int]]
    travel: dict[int, int] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)

    @property
    def nv(self) -> int:
        return len(self.instance.vehicles)

    def schedule(self, i: int, seq: list[int]) -> tuple[Timing, int] | None:
        """Earliest-start timing of ``seq`` on vehicle ``i`` and its travel; None if infeasible."""
        v, m, nv = self.instance.vehicles[i], self.matrix, self.nv
        t, prev, out, total = v.shift[0], i, [], 0
        for k in seq:
            node = 2 * nv + k
            d = m[prev][node]
            arrive = t + d
            start = next((max(arrive, lo) for lo, hi in self.windows[k] or (OPEN,)
                          if arrive <= hi), None)
            if start is None:
                return None
            out.append((start if not out else arrive, start, d))  # leave home late, not wait
            total += d
            t, prev = start + self.instance.jobs[k].service_s, node
        if v.end is not None:
            total += m[prev][nv + i]
            t += m[prev][nv + i]
        if t > v.shift[1] or not self._fits_load(i, seq):
            return None
        return out, total

    def _fits_load(self, i: int, seq: list[int]) -> bool:
        cap = self.instance.vehicles[i].capacity
        return cap is None or sum(self.instance.jobs[k].demand for k in seq) <= cap

    def best_insert(self, i: int, seq: list[int], k: int) -> tuple[list[int], int] | None:
        """Cheapest feasible insertion of job ``k`` into ``seq`` on vehicle ``i``. Each position
        is checked in O(1) against the route's latest start times (Savelsbergh's forward slack);
        positions reached only after ``k``'s last window closes end the scan."""
        if not self._fits_load(i, [*seq, k]):
            return None
        v, m, nv = self.instance.vehicles[i], self.matrix, self.nv
        node, service = 2 * nv + k, self.instance.jobs[k].service_s
        latest = self._latest_starts(i, seq)
        after = [2 * nv + x for x in seq] + ([nv + i] if v.end is not None else [None])
        t, prev, options = v.shift[0], i, []
        for pos, nxt in enumerate(after):
            arrive = t + m[prev][node]
            start = next((max(arrive, lo) for lo, hi in self.windows[k] or (OPEN,)
                          if arrive <= hi), None)
            if start is None and arrive > max(hi for _, hi in self.windows[k] or (OPEN,)):
                break  # every later position arrives later still
            back = m[node][nxt] if nxt is not None else 0
            limit = latest[pos] if latest is not None and pos < len(seq) else v.shift[1]
            if start is not None and (latest is None or start + service + back <= limit):
                options.append((m[prev][node] + back - (m[prev][nxt] if nxt is not None else 0),
                                pos))
            if pos < len(seq):  # move past seq[pos], earliest start
                arrive = t + m[prev][nxt]
                t = next((max(arrive, lo) for lo, hi in self.windows[seq[pos]] or (OPEN,)
                          if arrive <= hi), arrive) + self.instance.jobs[seq[pos]].service_s
                prev = nxt
        for _, pos in sorted(options):
            trial = [*seq[:pos], k, *seq[pos:]]
            done = self.schedule(i, trial)
            if done is not None:
                return trial, done[1]
        return None

    def _latest_starts(self, i: int, seq: list[int]) -> list[int] | None:
        """Latest start of each stop that keeps the rest of the route feasible; None when a
        stop has several windows (then every candidate gets a full schedule check)."""
        v, m, nv = self.instance.vehicles[i], self.matrix, self.nv
        limit, nxt = v.shift[1], (nv + i) if v.end is not None else None
        out = [0] * len(seq)
        for pos in range(len(seq) - 1, -1, -1):
            k = seq[pos]
            if len(self.windows[k]) > 1:
                return None
            hi = self.windows[k][0][1] if self.windows[k] else OPEN[1]
            back = m[2 * nv + k][nxt] if nxt is not None else 0
            out[pos] = min(hi, limit - back - self.instance.jobs[k].service_s)
            limit, nxt = out[pos], 2 * nv + k
        return out


def repair(day: Day, budget_s: int, able: dict[int, set[int]]) -> None:
    """Move visits to their preferred caregiver where cheap enough (see module docstring).
    ``able[k]`` = vehicle indexes allowed to do job k. Changes ``day.routes`` in place."""
    owner = {k: i for i, seq in day.routes.items() for k in seq}
    want = _wanted(day, able)
    for _ in range(2):  # a second sweep catches moves the first one made possible
        moved = False
        for k, b in want.items():
            a = owner.get(k)
            if a is None or a == b:
                continue
            if _relocate(day, k, a, b, budget_s) or _swap(day, k, a, b, budget_s, want, able):
                owner = {k: i for i, seq in day.routes.items() for k in seq}
                moved = True
        if not moved:
            break


def fill(day: Day, able: dict[int, set[int]]) -> None:
    """Insert unserved jobs where they fit (cheapest insertion over capable vehicles)."""
    served = {k for seq in day.routes.values() for k in seq}
    jobs = day.instance.jobs
    for k in sorted(set(able) - served, key=lambda k: (-jobs[k].priority, k)):
        best = None
        for i in sorted(able[k]):
            seq = day.routes.get(i, [])
            into = day.best_insert(i, seq, k)
            if into is not None:
                extra = into[1] - day.travel.get(i, 0)
                if best is None or extra < best[0]:
                    best = (extra, i, into)
        if best is not None:
            _apply(day, {best[1]: best[2]})


def measure(day: Day) -> None:
    """Travel of each route as the solver gave it (before any pass)."""
    for i, seq in day.routes.items():
        timed = day.schedule(i, seq)
        day.travel[i] = timed[1] if timed else _vroom_travel(day, i)


def _wanted(day: Day, able: dict[int, set[int]]) -> dict[int, int]:
    index = {v.id: i for i, v in enumerate(day.instance.vehicles)}
    out = {}
    for k, job in enumerate(day.instance.jobs):
        b = index.get(job.preferred) if job.preferred is not None else None
        if b is not None and job.pinned_to is None and b in able.get(k, ()):
            out[k] = b
    return out


def _vroom_travel(day: Day, i: int) -> int:
    """Travel of a route as given (used if our stricter re-timing disagrees with VROOM's)."""
    seq, m, nv = day.routes[i], day.matrix, day.nv
    nodes = [i, *(2 * nv + k for k in seq)]
    if day.instance.vehicles[i].end is not None:
        nodes.append(nv + i)
    return int(sum(m[a][b] for a, b in pairwise(nodes)))


def _relocate(day: Day, k: int, a: int, b: int, budget_s: int) -> bool:
    rest = [x for x in day.routes[a] if x != k]
    left = day.schedule(a, rest)
    into = day.best_insert(b, day.routes.get(b, []), k)
    if left is None or into is None:
        return False
    delta = left[1] + into[1] - day.travel[a] - day.travel.get(b, 0)
    if delta > budget_s:
        return False
    _apply(day, {a: (rest, left[1]), b: into})
    return True


def _swap(day: Day, k: int, a: int, b: int, budget_s: int, want: dict[int, int],
          able: dict[int, set[int]]) -> bool:
    """Exchange ``k`` (in a, prefers b) with some ``k2`` in b that does not prefer b."""
    rest_a = [x for x in day.routes[a] if x != k]
    for k2 in day.routes.get(b, []):
        if want.get(k2) == b or a not in able.get(k2, ()):
            continue
        gain = 1 + (want.get(k2) == a)
        into_b = day.best_insert(b, [x for x in day.routes[b] if x != k2], k)
        into_a = day.best_insert(a, rest_a, k2) if into_b else None
        if into_a is None:
            continue
        delta = into_a[1] + into_b[1] - day.travel[a] - day.travel[b]
        if delta <= budget_s * gain:
            _apply(day, {a: into_a, b: into_b})
            return True
    return False


def _apply(day: Day, new: dict[int, tuple[list[int], int]]) -> None:
    for i, (seq, travel) in new.items():
        day.routes[i], day.travel[i] = seq, travel
        day.changed.add(i)

