"""Registry reads: scoping by jurisdiction and service link, search and filters."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound
from anlao.people.models import ElderStatus, LivingSituation
from anlao.people.selectors import (
    ElderFilters,
    birth_range_for_age,
    elder_get,
    elders_for,
    elders_visible,
)
from tests.personas import TODAY, make_elder, serve


@pytest.fixture
def elders(world):
    return {
        "a1": make_elder(world.community_a1, name="张桂兰", seq=1, phone="13811110001",
                         birth=dt.date(1950, 1, 1), dibao=True),
        "a2": make_elder(world.community_a2, name="李德明", seq=2, male=True,
                         phone="13822220002", birth=dt.date(1938, 5, 5),
                         living_situation=LivingSituation.LIVES_ALONE),
        "b1": make_elder(world.community_b1, name="赵秀珍", seq=3, phone="",
                         birth=dt.date(1925, 12, 1), disability_grade=2),
        "gone": make_elder(world.community_a1, name="钱老伯", seq=4, male=True,
                           status=ElderStatus.DECEASED, status_date=dt.date(2024, 1, 1)),
    }


def names(qs) -> set[str]:
    return {e.name for e in qs}


def test_a_community_worker_sees_only_their_community(world, elders):
    assert names(elders_visible(actor=world.worker_a1)) == {"张桂兰", "钱老伯"}


def test_a_street_officer_sees_the_whole_street(world, elders):
    assert names(elders_visible(actor=world.street_officer_a)) == {"张桂兰", "李德明", "钱老伯"}


def test_a_district_officer_and_the_superuser_see_everything(world, elders):
    assert len(names(elders_visible(actor=world.district_officer))) == 4
    assert len(names(elders_visible(actor=world.root))) == 4


def test_a_user_without_areas_sees_nothing(world, elders):
    assert not elders_visible(actor=world.nobody).exists()


def test_provider_staff_see_only_served_elders(world, elders):
    serve(elders["b1"], world.provider)
    assert names(elders_visible(actor=world.caregiver)) == {"赵秀珍"}
    assert names(elders_visible(actor=world.provider_manager)) == {"赵秀珍"}
    assert not elders_visible(actor=world.other_provider_manager).exists()


def test_an_ended_service_link_hides_the_elder_from_the_provider(world, elders):
    link = serve(elders["b1"], world.provider)
    link.end_date = dt.date(2021, 1, 1)
    link.save()
    assert not elders_visible(actor=world.caregiver).exists()


def test_worker_a1_cannot_get_community_b1s_elder(world, elders):
    with pytest.raises(NotFound):
        elder_get(actor=world.worker_a1, elder_id=elders["b1"].pk)
    assert elder_get(actor=world.worker_b1, elder_id=elders["b1"].pk).name == "赵秀珍"


@pytest.mark.parametrize("bad", ["abc", None, 10**9])
def test_elder_get_of_a_bad_or_missing_id_is_not_found(world, bad):
    with pytest.raises(NotFound):
        elder_get(actor=world.root, elder_id=bad)


@pytest.mark.parametrize(("q", "expected"), [
    ("桂兰", {"张桂兰"}),
    ("0002", {"李德明"}),  # phone tail
    ("13811110001", {"张桂兰"}),
    ("138****0001", {"张桂兰"}),
    ("139****0001", set()),
    ("nobody", set()),
])
def test_search_by_name_phone_and_masked_phone(world, elders, q, expected):
    assert names(elders_for(actor=world.root, filters=ElderFilters(q=q))) == expected


def test_search_by_full_masked_and_tail_of_the_id_number(world, elders):
    number = elders["a2"].id_number
    for q in (number, number.lower(), number[-4:], number[:6] + "*" * 8 + number[-4:]):
        assert names(elders_for(actor=world.root, filters=ElderFilters(q=q))) == {"李德明"}, q


def test_search_by_a_legacy_15_digit_number_finds_the_upgraded_record(world):
    from anlao.people.idnumbers import upgrade_15

    legacy = "330105380505031"
    elder = make_elder(world.community_a1, name="孙老汉")
    elder.id_number = upgrade_15(legacy)
    elder.save()
    assert names(elders_for(actor=world.root, filters=ElderFilters(q=legacy))) == {"孙老汉"}


def test_search_never_widens_the_scope(world, elders):
    assert not elders_for(actor=world.worker_a1, filters=ElderFilters(q="赵秀珍")).exists()
    assert not elders_for(actor=world.worker_a1,
                          filters=ElderFilters(q=elders["b1"].id_number)).exists()


def test_the_list_shows_active_elders_unless_another_status_is_asked(world, elders):
    assert "钱老伯" not in names(elders_for(actor=world.root, filters=ElderFilters()))
    deceased = elders_for(actor=world.root, filters=ElderFilters(status="deceased"))
    assert names(deceased) == {"钱老伯"}
    assert len(names(elders_for(actor=world.root, filters=ElderFilters(status="")))) == 4


@pytest.mark.parametrize(("f", "expected"), [
    (ElderFilters(street="330105001000"), {"张桂兰", "李德明"}),
    (ElderFilters(street="330105001000", community="330105001002"), {"李德明"}),
    (ElderFilters(community="330105002001"), {"赵秀珍"}),
    (ElderFilters(community="000000000000"), set()),
    (ElderFilters(category="dibao"), {"张桂兰"}),
    (ElderFilters(category="disabled"), {"赵秀珍"}),
    (ElderFilters(category="alone"), {"李德明"}),
    (ElderFilters(living_situation="lives_alone"), {"李德明"}),
    (ElderFilters(age_band="70-79"), {"张桂兰"}),
    (ElderFilters(age_band="80-89"), {"李德明"}),
    (ElderFilters(age_band="100+"), {"赵秀珍"}),
])
def test_filters(world, elders, f, expected):
    assert names(elders_for(actor=world.root, filters=f, today=TODAY)) == expected


@pytest.mark.parametrize(("birth", "on", "inside"), [
    (dt.date(1956, 11, 24), TODAY, True),  # 70 today
    (dt.date(1956, 11, 25), TODAY, False),  # 70 tomorrow
    (dt.date(1946, 11, 25), TODAY, True),  # 79, turns 80 tomorrow
    (dt.date(1946, 11, 24), TODAY, False),  # 80 today
    (dt.date(1948, 3, 1), dt.date(2028, 2, 29), True),  # 79 on a leap day
    (dt.date(1948, 2, 29), dt.date(2028, 2, 29), False),  # 80 on a leap day
])
def test_the_age_band_uses_completed_years(birth, on, inside):
    lo, hi = birth_range_for_age(70, 79, on)
    assert (lo <= birth <= hi) is inside


def test_a_two_character_name_search_finds_the_pair_anywhere_in_the_name(world):
    # on PostgreSQL this takes the bigram index path; both databases must agree with icontains
    for seq, name in enumerate(["王秀英", "秀英", "李英秀", "Amy Li", "秀英秀英"], start=20):
        make_elder(world.community_a1, name=name, seq=seq)
    assert names(elders_for(actor=world.root, filters=ElderFilters(q="秀英"))) == {
        "王秀英", "秀英", "秀英秀英"}
    assert names(elders_for(actor=world.root, filters=ElderFilters(q="my"))) == {"Amy Li"}
    assert names(elders_for(actor=world.root, filters=ElderFilters(q="英"))) == {
        "王秀英", "秀英", "李英秀", "秀英秀英"}
