"""The "why" page and API answer for every kind of elder the demo generates (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.people.models import Elder, ElderStatus
from tests.api_client import ApiClient
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

KINDS = {
    "local hukou": {},
    "no hukou area": {"hukou_area": None},
    "dibao": {"dibao": True},
    "extreme poverty, no family": {"extreme_poverty": True, "living_situation": "no_family"},
    "near dibao": {"near_dibao": True, "hukou_area": None},
    "bereaved one-child family": {"bereaved_one_child_family": True},
    "entitled veteran": {"entitled_veteran": True, "hukou_area": None},
    "disabled, assessed": {"disability_grade": 2, "ability_level": 3},
    "not assessed, no disability": {"disability_grade": None, "ability_level": None},
    "deceased": {"status": ElderStatus.DECEASED, "status_date": dt.date(2026, 3, 2)},
    "moved out, no hukou area": {"status": ElderStatus.MOVED_OUT,
                                 "status_date": dt.date(2026, 2, 1), "hukou_area": None},
}


@pytest.fixture
def why(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    return world


@pytest.mark.parametrize("kind", list(KINDS))
def test_why_answers_for_every_kind_of_elder(why, kind):
    extra = dict(KINDS[kind])
    no_hukou = extra.pop("hukou_area", "local") is None
    elder = make_elder(why.community_a1, birth=dt.date(1935, 6, 1), **extra)
    if no_hukou:
        Elder.objects.filter(pk=elder.pk).update(hukou_area=None)
    c = Client()
    c.force_login(why.district_officer)
    query = {"program": "test-age-allowance", "period": "2026-04", "elder": elder.pk}
    page = c.get("/benefits/explain/", query)
    assert page.status_code == 200
    api = ApiClient(why.district_officer).get(
        "/api/benefits/explain", program="test-age-allowance", period="2026-04",
        elder_id=elder.pk)
    assert api.status_code == 200, api.content
    if no_hukou:
        assert "hukou" in page.content.decode()  # the hukou condition fails, and says so
