"""Dashboard numbers: they match the elders created and are scoped to each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlao.people.models import ElderStatus, LivingSituation
from anlao.planning.selectors import Dashboard, dashboard_for
from tests.personas import TODAY, make_elder, serve


def born(age: int, today: dt.date = TODAY) -> dt.date:
    """A birth date well inside the year of ``age`` (no birthday edge cases)."""
    return today.replace(year=today.year - age) - dt.timedelta(days=100)


@pytest.fixture
def elders(world):
    """Four active elders in A1, one in A2, two in B1, and one deceased in A1."""
    a1 = world.community_a1
    made = {
        "a1_65": make_elder(a1, seq=1, birth=born(65), dibao=True),
        "a1_85": make_elder(a1, seq=2, birth=born(85), ability_level=3,
                            living_situation=LivingSituation.LIVES_ALONE),
        "a1_92": make_elder(a1, seq=3, birth=born(92), ability_level=1, disability_grade=2,
                            living_situation=LivingSituation.EMPTY_NEST),
        "a1_101": make_elder(a1, seq=4, birth=born(101), ability_level=4,
                             extreme_poverty=True),
        "a2_72": make_elder(world.community_a2, seq=5, birth=born(72), ability_level=0,
                            entitled_veteran=True),
        "b1_75": make_elder(world.community_b1, seq=6, birth=born(75), ability_level=2,
                            living_situation=LivingSituation.NO_FAMILY, near_dibao=True),
        "b1_81": make_elder(world.community_b1, seq=7, birth=born(81),
                            bereaved_one_child_family=True),
        "dead": make_elder(a1, seq=8, birth=born(88), status=ElderStatus.DECEASED),
    }
    serve(made["a1_85"], world.provider)
    serve(made["b1_81"], world.provider)
    return made


def test_the_district_officer_counts_every_active_elder(world, elders):
    d = dashboard_for(actor=world.district_officer, today=TODAY)
    assert d.total == 7
    assert d.aged_80_plus == 4  # 85, 92, 101, 81
    assert d.alone == 3  # lives alone, empty nest, no family
    assert d.semi_disabled == 2  # levels 1 and 2
    assert d.disabled == 2  # levels 3 and 4
    assert dict(d.by_age) == {"60-69": 1, "70-79": 2, "80-89": 2, "90-99": 1, "100+": 1}
    assert dict(d.by_category) == {
        "extreme_poverty": 1, "dibao": 1, "near_dibao": 1, "bereaved_one_child_family": 1,
        "entitled_veteran": 1, "disabled": 1, "alone": 3}
    assert dict(d.by_ability) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, None: 2}
    assert d.area_level == "street"
    assert dict(d.by_area) == {world.street_a.name: 5, world.street_b.name: 2}


def test_a_community_worker_sees_only_their_community(world, elders):
    d = dashboard_for(actor=world.worker_a1, today=TODAY)
    assert d.total == 4
    assert d.area_level == "community"
    assert dict(d.by_area) == {world.community_a1.name: 4}
    assert d.aged_80_plus == 3 and d.disabled == 2


def test_a_street_officer_sees_communities_of_their_street(world, elders):
    d = dashboard_for(actor=world.street_officer_b, today=TODAY)
    assert d.total == 2
    assert dict(d.by_area) == {world.community_b1.name: 2}


def test_a_provider_manager_sees_only_elders_their_org_serves(world, elders):
    d = dashboard_for(actor=world.provider_manager, today=TODAY)
    assert d.total == 2
    assert dict(d.by_area) == {world.street_a.name: 1, world.street_b.name: 1}
    assert d.aged_80_plus == 2 and d.alone == 1


def test_an_elder_served_twice_counts_once(world, elders):
    serve(elders["a1_85"], world.provider)  # a second open link to the same organisation
    assert dashboard_for(actor=world.provider_manager, today=TODAY).total == 2


def test_another_provider_and_a_user_without_areas_see_nothing(world, elders):
    assert dashboard_for(actor=world.other_provider_manager, today=TODAY) == Dashboard()
    assert dashboard_for(actor=world.nobody, today=TODAY) == Dashboard()


def test_the_page_shows_the_numbers_and_chart_data(client, world, elders):
    client.force_login(world.worker_a1)
    resp = client.get(reverse("home"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="dashboard-data"' in html and 'id="chart-area"' in html
    assert 'id="stat-total">4<' in html
    charts = resp.context["charts"]
    assert sum(charts["age"]["values"]) == 4
    assert charts["area"]["labels"] == [world.community_a1.name]


def test_the_page_has_an_empty_state(client, world):
    client.force_login(world.worker_a1)
    html = client.get(reverse("home")).content.decode()
    assert 'id="dashboard-empty"' in html and "dashboard-data" not in html


def test_the_page_uses_todays_date(client, world):
    """On the page the bands use the real date: an elder born 85 years ago is 80–89."""
    make_elder(world.community_a1, seq=9, birth=born(85, timezone.localdate()))
    client.force_login(world.worker_a1)
    charts = client.get(reverse("home")).context["charts"]
    assert dict(zip(charts["age"]["labels"], charts["age"]["values"], strict=True))["80-89"] == 1
