"""The road-network client: OSRM's table answers, fetched in blocks; dispatch uses them and
falls back to straight lines when the server cannot answer."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from anlao.homecare.dispatch.routing.model import Point
from anlao.homecare.dispatch.routing.osrm import UNREACHABLE_S, RoadNetworkError, osrm_durations

REQUESTS: list[str] = []


class FakeOsrm(BaseHTTPRequestHandler):
    """Duration between coordinates = 100 s × |index difference| by longitude order; the
    pair (0, 2) is unreachable (null), as OSRM answers for a missing road."""

    def do_GET(self) -> None:
        REQUESTS.append(self.path)
        path, _sep, query = self.path.partition("?")
        coords = path.split("/")[-1].split(";")
        q = urllib.parse.parse_qs(query)
        lngs = [float(c.split(",")[0]) for c in coords]
        index = [round((lng - 120.0) * 1000) for lng in lngs]
        src = [int(i) for i in q["sources"][0].split(";")]
        dst = [int(i) for i in q["destinations"][0].split(";")]
        rows = [[None if {index[a], index[b]} == {0, 2} else 100 * abs(index[a] - index[b])
                 for b in dst] for a in src]
        body = json.dumps({"code": "Ok", "durations": rows}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def osrm():
    server = HTTPServer(("127.0.0.1", 0), FakeOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    REQUESTS.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def points(n: int) -> list[Point]:
    return [Point(30.3, 120.0 + i / 1000) for i in range(n)]


def test_the_matrix_comes_from_the_table_service_in_blocks(osrm):
    matrix = osrm_durations(osrm, points(5), block=2)
    assert matrix[1][4] == 300 and matrix[4][1] == 300 and matrix[3][3] == 0
    assert matrix[0][2] == UNREACHABLE_S == matrix[2][0]
    assert len(REQUESTS) == 9  # 3 × 3 blocks of at most 2 × 2
    assert all("/table/v1/driving/" in r and "annotations=duration" in r for r in REQUESTS)


def test_a_server_that_cannot_answer_raises_a_road_network_error():
    with pytest.raises(RoadNetworkError):
        osrm_durations("http://127.0.0.1:9", points(2), timeout=1)


@pytest.mark.django_db
def test_dispatch_plans_with_road_times_and_falls_back_without_them(world, settings, osrm):
    from anlao.homecare.dispatch.services import dispatch_plan_day
    from anlao.homecare.models import Visit
    from tests.dispatch_fixtures import DAY, NOW, make_profile, make_visit

    make_profile(world, home=(30.3, 120.0))
    visit = make_visit(world, at=(30.3, 120.001))
    settings.HOMECARE = {**settings.HOMECARE, "ROAD_NETWORK_URL": osrm}
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY, now=NOW)
    assert Visit.objects.get(pk=visit.pk).travel_seconds == 100  # the fake road time
    assert REQUESTS
    settings.HOMECARE = {**settings.HOMECARE, "ROAD_NETWORK_URL": "http://127.0.0.1:9"}
    dispatch_plan_day(actor=world.provider_manager, provider=world.provider, date=DAY, now=NOW)
    v = Visit.objects.get(pk=visit.pk)
    assert v.caregiver is not None and v.travel_seconds != 100  # straight line × detour
