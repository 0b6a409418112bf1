"""Benefit pages: who may see and press what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.benefits.models import BenefitRun
from anlao.benefits.runs import services
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder


@pytest.fixture
def pages(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15))
    return world


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_everyone_reads_the_programs_in_plain_words(pages):
    c = login(pages.worker_a1)
    url = "/benefits/programs/test-age-allowance/"
    body = c.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "测试高龄津贴" in body and "¥100.00" in body and "age &gt;= 80" in body
    english = c.get(url, headers={"Accept-Language": "en"}).content.decode()
    assert "Test age allowance" in english and "测试高龄津贴" not in english


def test_a_district_officer_creates_and_computes_a_run_from_the_pages(
        pages, django_capture_on_commit_callbacks):
    c = login(pages.district_officer)
    response = c.post("/benefits/runs/", {"program": "test-age-allowance", "period": "2026-04",
                                          "district": "330105"})
    run = BenefitRun.objects.get()
    assert response.status_code == 302 and response.url == f"/benefits/runs/{run.pk}/"
    with django_capture_on_commit_callbacks(execute=True):  # enqueued once queueing commits
        c.post(f"/benefits/runs/{run.pk}/compute/")  # the immediate task backend runs it now
    page = c.get(f"/benefits/runs/{run.pk}/").content.decode()
    assert "¥200.00" in page and "上塘街道" in page


def test_a_community_worker_cannot_open_runs(pages):
    assert login(pages.worker_a1).get("/benefits/runs/").status_code == 403


def test_a_run_of_another_jurisdiction_answers_404(pages):
    run = services.run_create(actor=pages.district_officer, program="test-age-allowance",
                              period="2026-04", district_code="330105")
    assert login(pages.auditor).get(f"/benefits/runs/{run.pk}/").status_code == 200
    assert login(pages.street_officer_a).get(f"/benefits/runs/{run.pk}/").status_code == 404


def test_the_why_page_explains_one_elder(pages):
    c = login(pages.worker_a1)
    body = c.get("/benefits/explain/", {"program": "test-age-allowance", "period": "2026-04",
                                        "elder": pages.zhang.pk}).content.decode()
    assert "¥200.00" in body and "age90plus" in body
    other = login(pages.worker_b1).get("/benefits/explain/", {
        "program": "test-age-allowance", "period": "2026-04", "elder": pages.zhang.pk})
    assert other.status_code == 404
