"""Programs are listed and runnable only where their jurisdiction covers the user's area."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from anlao.benefits.policy.selectors import programs_for
from anlao.benefits.runs import services
from anlao.core.errors import ServiceError


@pytest.fixture
def shipped(world, settings):
    settings.BENEFITS_POLICY_DIR = django_settings.BASE_DIR / "policies"
    return world


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_gongshu_officer_sees_only_gongshu_programs(shipped):
    mine = programs_for(actor=shipped.district_officer)
    codes = {p.code for p in mine}
    assert codes and all(p.jurisdiction == "330105" for p in mine)
    assert "beijing-high-age-allowance" not in codes
    assert codes <= {p.code for p in programs_for(actor=shipped.city_admin)}  # the city sees below
    assert {p.code for p in programs_for(actor=shipped.root)} > codes  # the superuser sees all


def test_a_xihu_officer_sees_none_of_gongshu_programs(shipped):
    assert programs_for(actor=shipped.xihu_officer) == []
    assert login(shipped.xihu_officer).get(
        "/benefits/programs/gongshu-80-89-allowance/").status_code == 404
    with pytest.raises(ServiceError):
        services.run_create(actor=shipped.xihu_officer, program="gongshu-80-89-allowance",
                            period="2026-04", district_code="330106")


def test_another_citys_program_page_answers_404_in_gongshu(shipped):
    c = login(shipped.district_officer)
    assert c.get("/benefits/programs/beijing-high-age-allowance/").status_code == 404
    assert c.get("/benefits/programs/gongshu-80-89-allowance/").status_code == 200
    listing = c.get("/benefits/").content.decode()
    assert "gongshu-80-89-allowance" in listing and "beijing-high-age-allowance" not in listing


def test_the_new_run_form_preselects_no_program(shipped):
    page = login(shipped.district_officer).get("/benefits/runs/").content.decode()
    select = re.search(r'<select[^>]*name="program".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"', select)
    assert options[0] == "" and "beijing-high-age-allowance" not in options
    assert set(options[1:]) == {p.code for p in programs_for(actor=shipped.district_officer)}
    assert re.search(r'<option value=""[^>]*selected', select)
    assert not re.search(r'<option value="[^"]+"[^>]*selected', select)
