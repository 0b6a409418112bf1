"""Distances on the Earth: one radius, one haversine (scalar and matrix), offsets in metres.

Pure (math and numpy, no Django), so the routing core can use it too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # along a meridian, ≈ 111,195 m


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def haversine_matrix_m(lats: Sequence[float], lngs: Sequence[float]) -> np.ndarray:
    """Great-circle distances in metres between every pair of points (n × n floats)."""
    lat = np.radians(np.asarray(lats, dtype=float))
    lng = np.radians(np.asarray(lngs, dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlng = lng[:, None] - lng[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The point ``north_m`` metres north and ``east_m`` metres east of (lat, lng): flat-Earth
    arithmetic, fine for the few kilometres of a street."""
    return (lat + north_m / METRES_PER_DEGREE,
            lng + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))))
