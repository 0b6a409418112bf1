"""The benefits API: permissions per role and area, and the response shape."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.benefits.runs import services
from tests.api_client import ApiClient
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def run(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15))
    run = services.run_create(actor=world.district_officer, program="test-age-allowance",
                              period="2026-04", district_code="330105", today=TODAY)
    return services.run_compute(actor=world.district_officer, run_id=run.pk)


def test_a_district_officer_lists_and_reads_runs(world, run):
    api = ApiClient(world.district_officer)
    listing = api.get("/api/benefits/runs").json()
    assert listing["count"] == 1 and listing["results"][0]["total_fen"] == 20000
    detail = api.get(f"/api/benefits/runs/{run.pk}").json()
    assert detail["state"] == "computed" and detail["streets"][0]["name"] == "上塘街道"


def test_a_community_worker_sees_no_runs_and_gets_404_for_one(world, run):
    api = ApiClient(world.worker_a1)
    assert api.get("/api/benefits/runs").json()["count"] == 0
    assert api.get(f"/api/benefits/runs/{run.pk}").status_code == 404


def test_explain_answers_why_for_an_elder_in_scope(world, run):
    body = ApiClient(world.worker_a1, lang="zh-hans").get(
        "/api/benefits/explain", program="test-age-allowance", period="2026-04",
        elder_id=world.zhang.pk).json()
    assert (body["amount_fen"], body["tier"], body["paid"]) == (20000, "age90plus", True)
    assert [c["code"] for c in body["months"][0]["checks"]] == ["alive", "resident", "hukou",
                                                                 "age"]


def test_explain_refuses_an_elder_out_of_scope_with_404(world, run):
    response = ApiClient(world.worker_b1).get(
        "/api/benefits/explain", program="test-age-allowance", period="2026-04",
        elder_id=world.zhang.pk)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_explain_refuses_a_malformed_period(world, run):
    response = ApiClient(world.worker_a1).get(
        "/api/benefits/explain", program="test-age-allowance", period="April",
        elder_id=world.zhang.pk)
    assert response.status_code in (400, 422) and response.json()["field"] == "period"
