"""Road-network travel times from an OSRM server (``settings.HOMECARE["ROAD_NETWORK_URL"]``).

OSRM's table service answers durations between coordinates: ``GET {url}/table/v1/{profile}/
{lng,lat;…}?annotations=duration&sources=…&destinations=…``. A server refuses tables over its
``--max-table-size`` (100 coordinates by default), so the matrix is fetched in blocks of at most
``block`` sources × ``block`` destinations. Unreachable pairs (``null``) become a large
duration, so the solver avoids them instead of failing. Standard library only (``urllib``);
the machines running anlao need no extra package.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Sequence

from anlao.homecare.dispatch.routing.model import Point

UNREACHABLE_S = 24 * 3600  # a day: never worth it, but keeps the matrix whole


class RoadNetworkError(Exception):
    """The road network could not answer; the caller falls back to straight lines."""


def _table(base: str, profile: str, points: Sequence[Point], sources: range,
           destinations: range, timeout: float) -> list[list[float | None]]:
    picked = list(dict.fromkeys([*sources, *destinations]))  # coordinates this request sends
    position = {node: i for i, node in enumerate(picked)}
    coords = ";".join(f"{points[n].lng:.6f},{points[n].lat:.6f}" for n in picked)
    query = urllib.parse.urlencode({
        "annotations": "duration",
        "sources": ";".join(str(position[n]) for n in sources),
        "destinations": ";".join(str(position[n]) for n in destinations)})
    url = f"{base.rstrip('/')}/table/v1/{profile}/{coords}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except (OSError, ValueError) as exc:
        raise RoadNetworkError(f"road network unavailable: {exc}") from exc
    if data.get("code") != "Ok" or "durations" not in data:
        raise RoadNetworkError(f"road network refused the table: {data.get('code')}")
    return data["durations"]


def osrm_durations(base: str, points: Sequence[Point], *, profile: str = "driving",
                   block: int = 50, timeout: float = 10.0) -> list[list[int]]:
    """n × n travel seconds between ``points`` (in their order), in blocks of ``block``."""
    n = len(points)
    matrix = [[0] * n for _ in range(n)]
    for i0 in range(0, n, block):
        for j0 in range(0, n, block):
            sources, destinations = range(i0, min(i0 + block, n)), range(j0, min(j0 + block, n))
            rows = _table(base, profile, points, sources, destinations, timeout)
            for a, row in zip(sources, rows, strict=True):
                for b, seconds in zip(destinations, row, strict=True):
                    matrix[a][b] = UNREACHABLE_S if seconds is None else round(seconds)
    return matrix
