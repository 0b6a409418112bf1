"""The checks review page and GET /api/benefits/runs/{id}/findings: permissions and shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.benefits.models import CheckFinding
from anlao.benefits.runs import services
from tests.api_client import ApiClient
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    """A computed run with one finding: 钱老太, born 1910 (implausible age)."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.qian = make_elder(world.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    run = services.run_create(actor=world.district_officer, program="test-age-allowance",
                              period="2026-03", district_code="330105", today=TODAY)
    world.run = services.run_compute(actor=world.district_officer, run_id=run.pk)
    world.finding = CheckFinding.objects.get(run=world.run)
    return world


def client(user):
    c = Client()
    c.force_login(user)
    return c


def url(world):
    return f"/benefits/runs/{world.run.pk}/checks/"


def test_the_page_lists_counts_per_rule_and_masked_findings(town):
    html = client(town.district_officer).get(url(town)).content.decode()
    assert "钱老太" in html and town.qian.id_number not in html
    assert town.qian.id_number[-4:] in html and 'id="check-counts"' in html
    assert "张桂兰" not in html
    assert f"/benefits/runs/{town.run.pk}/checks/" in client(town.district_officer).get(
        f"/benefits/runs/{town.run.pk}/").content.decode()


def test_an_officer_dismisses_a_finding_with_a_note_from_the_page(town):
    response = client(town.city_admin).post(url(town), {"id": town.finding.pk,
                                                        "status": "dismissed", "note": "已核实"})
    assert response.status_code == 302
    town.finding.refresh_from_db()
    assert (town.finding.status, town.finding.note) == ("dismissed", "已核实")


def test_a_dismissal_without_a_note_changes_nothing(town):
    c = client(town.city_admin)
    page = c.post(url(town), {"id": town.finding.pk, "status": "dismissed", "note": " "},
                  follow=True)
    assert CheckFinding.objects.get(pk=town.finding.pk).status == "open"
    assert "note" in page.content.decode().lower() or "备注" in page.content.decode()


def test_an_auditor_sees_the_findings_but_may_not_review_them(town):
    c = client(town.auditor)
    html = c.get(url(town)).content.decode()
    assert "钱老太" in html and 'name="note"' not in html
    c.post(url(town), {"id": town.finding.pk, "status": "dismissed", "note": "x"})
    assert CheckFinding.objects.get(pk=town.finding.pk).status == "open"


@pytest.mark.parametrize("persona", ["street_officer_a", "worker_a1", "provider_manager"])
def test_staff_without_benefit_access_get_404(town, persona):
    assert client(getattr(town, persona)).get(url(town)).status_code == 404


def test_the_api_lists_a_runs_findings(town):
    response = ApiClient(town.district_officer).get(f"/api/benefits/runs/{town.run.pk}/findings")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert (item["rule"], item["elder_id"], item["status"]) == (
        "implausible_age", town.qian.pk, "open")
    assert item["detail"]["problem"] == "too_old"
    assert ApiClient(town.district_officer).get(
        f"/api/benefits/runs/{town.run.pk}/findings", rule="shared_account").json()["count"] == 0


@pytest.mark.parametrize("persona", ["street_officer_a", "worker_a1"])
def test_the_api_answers_404_outside_benefit_access(town, persona):
    response = ApiClient(getattr(town, persona)).get(f"/api/benefits/runs/{town.run.pk}/findings")
    assert response.status_code == 404


def test_the_api_needs_a_token(town):
    assert ApiClient().get(f"/api/benefits/runs/{town.run.pk}/findings").status_code == 401
