"""The post-subsidy rules of seed 002, on hand-made records (no database)."""

import datetime as dt

import pytest

from anlao.workforce.subsidy import (
    POLICY_FILE,
    Cert,
    Job,
    compute_line,
    load_policy,
    policy_from_text,
)

D = dt.date


def job(start, end=None, facility=1, registered=True, role="frontline_care"):
    return Job(facility_id=facility, facility_name=f"F{facility}", registered=registered,
               role=role, start=start, end=end)


def test_the_policy_file_holds_the_seed_amounts():
    p = load_policy()
    assert p.monthly_fen == {"level5": 10000, "level4": 30000, "level3": 50000,
                             "level2": 70000, "level1": 100000}
    assert p.starts_on == D(2023, 1, 1)
    assert p.bonus_fen == 200000 and p.bonus_every_months == 36


def test_a_full_quarter_at_level_four_pays_three_times_300_yuan():
    line = compute_line([Cert("level4", D(2023, 5, 1))], [job(D(2024, 1, 1))], 2025, 1)
    assert line.months_paid == 3
    assert line.post_fen == 90000
    assert [m["level"] for m in line.months] == ["level4"] * 3


def test_a_level_change_mid_quarter_pays_the_new_level_from_the_next_month():
    certs = [Cert("level5", D(2022, 1, 1)), Cert("level3", D(2025, 2, 10))]
    line = compute_line(certs, [job(D(2024, 1, 1))], 2025, 1)
    assert [m["level"] for m in line.months] == ["level5", "level5", "level3"]
    assert line.post_fen == 10000 + 10000 + 50000


def test_a_lower_certificate_later_does_not_lower_the_level():
    certs = [Cert("level2", D(2022, 1, 1)), Cert("level5", D(2025, 1, 5))]
    line = compute_line(certs, [job(D(2024, 1, 1))], 2025, 1)
    assert line.post_fen == 3 * 70000


def test_no_level_means_no_post_subsidy():
    line = compute_line([], [job(D(2024, 1, 1))], 2025, 1)
    assert line.post_fen == 0
    assert {m["why"] for m in line.months} == {"no_skill_level"}


def test_an_unregistered_facility_or_non_frontline_role_earns_no_post_subsidy():
    certs = [Cert("level4", D(2022, 1, 1))]
    assert compute_line(certs, [job(D(2024, 1, 1), registered=False)], 2025, 1).post_fen == 0
    assert compute_line(certs, [job(D(2024, 1, 1), role="management")], 2025, 1).post_fen == 0


def test_leaving_mid_month_loses_that_month():
    certs = [Cert("level4", D(2022, 1, 1))]
    line = compute_line(certs, [job(D(2024, 1, 1), D(2025, 2, 14))], 2025, 1)
    assert [m["employed"] for m in line.months] == [True, False, False]
    assert line.post_fen == 30000


def test_a_job_change_inside_a_month_loses_nothing_but_breaks_continuity():
    certs = [Cert("level4", D(2022, 1, 1))]
    jobs = [job(D(2023, 1, 1), D(2025, 2, 14), facility=1), job(D(2025, 2, 15), facility=2)]
    line = compute_line(certs, jobs, 2025, 1)
    assert line.post_fen == 3 * 30000
    assert [m["facility"] for m in line.months] == ["F1", "F2", "F2"]
    assert line.breaks == [{"facility": "F1", "ended": "2025-02-14",
                            "next_start": "2025-02-15", "reason": "job_change"}]


def test_the_bonus_is_due_at_exactly_36_months_counted_from_2023_01_01():
    jobs = [job(D(2020, 6, 1))]  # earlier years do not count
    q4 = compute_line([], jobs, 2025, 4)
    assert q4.bonus_fen == 200000
    assert q4.bonuses[0]["completed_on"] == "2025-12-31"
    assert q4.bonuses[0]["counted_from"] == "2023-01-01"
    assert compute_line([], jobs, 2025, 3).bonus_fen == 0
    assert compute_line([], jobs, 2026, 1).bonus_fen == 0


def test_one_day_short_of_36_months_earns_no_bonus():
    assert compute_line([], [job(D(2023, 1, 1), D(2025, 12, 30))], 2025, 4).bonus_fen == 0
    assert compute_line([], [job(D(2023, 1, 1), D(2025, 12, 31))], 2025, 4).bonus_fen == 200000


def test_a_break_in_continuity_restarts_the_three_years():
    jobs = [job(D(2023, 1, 1), D(2024, 3, 31)), job(D(2024, 5, 1))]
    line = compute_line([], jobs, 2025, 4)
    assert line.bonus_fen == 0
    assert line.breaks[0]["reason"] == "gap"
    later = compute_line([], jobs, 2027, 2)  # 2024-05-01 + 36 months - 1 day = 2027-04-30
    assert later.bonuses[0]["completed_on"] == "2027-04-30"


def test_back_to_back_contracts_at_the_same_facility_stay_continuous():
    jobs = [job(D(2023, 1, 1), D(2023, 12, 31)), job(D(2024, 1, 1), role="management")]
    assert compute_line([], jobs, 2025, 4).bonus_fen == 200000


def test_a_job_change_to_another_facility_restarts_the_count():
    jobs = [job(D(2023, 1, 1), D(2024, 6, 30), facility=1), job(D(2024, 7, 1), facility=2)]
    assert compute_line([], jobs, 2025, 4).bonus_fen == 0
    assert compute_line([], jobs, 2027, 2).bonuses[0]["facility"] == "F2"


def test_months_before_the_policy_start_are_not_paid():
    line = compute_line([Cert("level1", D(2020, 1, 1))], [job(D(2020, 1, 1))], 2022, 4)
    assert line.total_fen == 0
    assert {m["why"] for m in line.months} == {"before_policy"}


def test_the_policy_text_must_name_every_level():
    text = POLICY_FILE.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        policy_from_text(text.replace("level1: 100000", "levelX: 100000"))
