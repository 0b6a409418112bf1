"""Class rules as data and the working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.people.models import Elder
from anlao.waitlist.classes import elder_facts
from anlao.waitlist.policy import PolicyError, classify, load_policy, parse_policy
from anlao.waitlist.workdays import load_calendar, parse_calendar

POLICY = load_policy()
ON = dt.date(2026, 3, 1)


def facts(demented: bool = False, **fields) -> dict:
    elder = Elder(birth_date=fields.pop("birth_date", dt.date(1956, 1, 1)), **fields)
    return elder_facts(elder, on=ON, demented=demented)


@pytest.mark.parametrize(("fields", "demented", "expected"), [
    ({"extreme_poverty": True, "ability_level": 0}, False, "extreme_poverty"),
    ({"extreme_poverty": True, "dibao": True, "ability_level": 3}, False, "extreme_poverty"),
    ({"dibao": True, "ability_level": 2}, False, "priority"),
    ({"near_dibao": True}, True, "priority"),
    ({"dibao": True, "ability_level": 0}, False, "other"),
    ({"bereaved_one_child_family": True}, False, "priority"),
    ({"entitled_veteran": True, "ability_level": 1}, False, "priority"),
    ({"entitled_veteran": True, "ability_level": 0}, False, "other"),
    ({"disability_grade": 2}, False, "priority"),
    ({"disability_grade": 3}, False, "other"),
    ({"ability_level": 1}, False, "general"),
    ({}, True, "general"),
    ({"birth_date": dt.date(1946, 3, 1)}, False, "general"),   # 80 on the day
    ({"birth_date": dt.date(1946, 3, 2)}, False, "other"),     # 80 tomorrow
])
def test_the_default_policy_classes_elders_as_documented(fields, demented, expected):
    assert classify(POLICY, facts(demented, **fields))[0] == expected


def test_the_matching_rule_is_returned_for_the_explanation():
    assert classify(POLICY, facts(dibao=True, ability_level=2)) == (
        "priority", {"disabled_or_demented": True, "dibao": True})


@pytest.mark.parametrize("bad", [
    {"classes": []},
    {"classes": [{"code": "a", "rules": [{"wealth": True}]}]},
    {"classes": [{"code": "a", "rules": [{"age": "80"}]}]},
    {"classes": [{"code": "a", "rules": [{"age": {"min": 80, "eval": 1}}]}]},
    {"classes": [{"code": "a", "rules": [{}]}, {"code": "a", "rules": [{}]}]},
])
def test_a_policy_with_a_bad_rule_is_refused(bad):
    with pytest.raises(PolicyError):
        parse_policy(bad)


def test_the_default_settings_are_read_from_the_file():
    assert (POLICY.offer_working_days, POLICY.withdrawals_max, POLICY.withdrawals_bar_days) == (
        5, 2, 365)


CAL = load_calendar()


def test_an_offer_over_national_day_skips_the_holiday_and_counts_the_makeup_sunday():
    # Fri 26 Sep 2025 + 5: Sun 28 Sep (调休), 29, 30 Sep, then 1–8 Oct off, 9, 10 Oct.
    assert CAL.add_working_days(dt.date(2025, 9, 26), 5) == dt.date(2025, 10, 10)


def test_an_offer_over_spring_festival_2026_waits_for_the_holiday_to_end():
    # Thu 12 Feb 2026 + 3: Fri 13, Sat 14 (调休), then 15–23 Feb off, Tue 24 Feb.
    assert CAL.add_working_days(dt.date(2026, 2, 12), 3) == dt.date(2026, 2, 24)


def test_plain_weekends_do_not_count():
    assert CAL.add_working_days(dt.date(2026, 3, 6), 5) == dt.date(2026, 3, 13)
    assert not CAL.is_working_day(dt.date(2026, 3, 7))


def test_a_calendar_with_a_day_both_off_and_on_is_refused():
    with pytest.raises(ValueError):
        parse_calendar({2026: {"holidays": ["2026-05-01"], "workdays": ["2026-05-01"]}})


def test_every_year_2025_to_2027_has_its_holidays():
    years = {d.year for d in CAL.holidays}
    assert years == {2025, 2026, 2027}
