"""Travel durations between the points of an instance (integer seconds).

Without a road network the core uses the straight line (haversine) × a detour factor at a
constant speed: on the short hops of one street's caregivers (mostly under 3 km, e-bike or on
foot) this is close enough to order a route, and it needs no server. A precomputed matrix
(``Instance.durations`` indexed by ``Instance.locations``) takes precedence: benchmarks and a
future road-network client supply one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from anlao.core.geo import haversine_matrix_m
from anlao.homecare.dispatch.routing.model import Instance, Point


def straight_line_s(points: Sequence[Point], *, detour_factor: float,
                    speed_kmh: float) -> np.ndarray:
    """Seconds to travel straight-line distance × ``detour_factor`` at ``speed_kmh``."""
    if speed_kmh <= 0 or detour_factor <= 0:
        raise ValueError("speed_kmh and detour_factor must be positive")
    metres = haversine_matrix_m([p.lat for p in points], [p.lng for p in points])
    metres = metres * detour_factor
    return np.rint(metres / (speed_kmh / 3.6)).astype(np.int64)


def node_durations(instance: Instance, nodes: Sequence[Point]) -> np.ndarray:
    """Duration matrix over ``nodes`` (which may repeat points), from the instance's own
    matrix when it has one, else straight line × detour."""
    if instance.durations is None:
        return straight_line_s(nodes, detour_factor=instance.detour_factor,
                               speed_kmh=instance.speed_kmh)
    if instance.locations is None:
        raise ValueError("Instance.durations needs Instance.locations (its row order)")
    index = {point: i for i, point in enumerate(instance.locations)}
    try:
        rows = np.fromiter((index[p] for p in nodes), np.int64, len(nodes))
    except KeyError as missing:
        raise ValueError(f"point {missing} is not in Instance.locations") from None
    full = np.asarray(instance.durations, dtype=np.int64)
    return full[np.ix_(rows, rows)]
