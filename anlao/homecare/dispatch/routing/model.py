"""The dispatch core's one instance type in and one plan out (solver-agnostic).

Times are integer seconds from midnight of the service day; distances are metres. The database
layer (``homecare/dispatch/``) builds an ``Instance`` from a provider's day and writes a
``Plan`` back; benchmarks build instances from Solomon files or a generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


@dataclass(frozen=True)
class Job:
    id: int
    location: Point
    service_s: int
    windows: tuple[tuple[int, int], ...]  # allowed start times; empty = any time
    skills: frozenset[str] = frozenset()
    priority: int = 0  # 0..100; higher = served first when not everything fits
    pinned_to: int | None = None  # vehicle id this job must stay with
    pinned_start: int | None = None  # keep the pinned job at (about) this start time
    preferred: int | None = None  # vehicle id the elder had before (soft)
    demand: int = 0  # load it takes (capacity-constrained benchmarks; 0 for home care)


@dataclass(frozen=True)
class Vehicle:
    id: int
    start: Point
    end: Point | None
    shift: tuple[int, int]  # working time window
    skills: frozenset[str] = frozenset()
    capacity: int | None = None  # None = unlimited (home care); set for VRPTW benchmarks


@dataclass
class Instance:
    jobs: list[Job]
    vehicles: list[Vehicle]
    # Optional precomputed travel durations (seconds) indexed by ``locations`` order; when None
    # the core uses straight line × detour factor at ``speed_kmh``.
    durations: list[list[int]] | None = None
    locations: list[Point] | None = None
    detour_factor: float = 1.3
    speed_kmh: float = 15.0


@dataclass(frozen=True)
class Stop:
    job_id: int
    arrival: int
    start: int  # service start (≥ arrival; waits for the window)
    travel_s: int  # from the previous stop (or the caregiver's start)


@dataclass
class Route:
    vehicle_id: int
    stops: list[Stop]
    travel_s: int


@dataclass
class Plan:
    routes: list[Route]
    unassigned: dict[int, str] = field(default_factory=dict)  # job id → reason (translatable)
    travel_s: int = 0
    solve_ms: int = 0

    @property
    def served(self) -> int:
        return sum(len(r.stops) for r in self.routes)
