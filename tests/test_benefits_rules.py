"""The policy rules, with named elders, evaluated by the engine (no database)."""

from __future__ import annotations

import datetime as dt

from anlao.benefits.engine.evaluation import evaluate, explain
from tests.benefits_fixtures import frame, programs

P = programs()


def pay(code: str, period: str, **row) -> dict:
    out = evaluate(P[code], frame(row), dt.date.fromisoformat(period + "-01"), P)
    return out.row(0, named=True)


def test_it_pays_the_higher_tier_only_from_the_month_after_the_90th_birthday():
    # 张桂兰 turns 90 on 2026-03-15.
    born = dt.date(1936, 3, 15)
    assert pay("test-age-allowance", "2026-03", birth_date=born)["amount_fen"] == 10000
    april = pay("test-age-allowance", "2026-04", birth_date=born)
    assert (april["amount_fen"], april["tier"]) == (20000, "age90plus")


def test_an_elder_born_on_the_first_starts_the_month_after_the_birthday_month():
    born = dt.date(1946, 4, 1)  # 李明 turns 80 on 2026-04-01
    assert pay("test-age-allowance", "2026-04", birth_date=born)["fail"] == "age"
    assert pay("test-age-allowance", "2026-05", birth_date=born)["amount_fen"] == 10000


def test_death_on_the_last_day_of_a_month_is_paid_that_month_and_stopped_the_next():
    row = {"birth_date": dt.date(1940, 1, 1), "stored_status": "deceased",
           "status_date": dt.date(2026, 1, 31)}  # 王德福 died on 31 January
    assert pay("test-age-allowance", "2026-01", **row)["amount_fen"] == 10000
    feb = pay("test-age-allowance", "2026-02", **row)
    assert (feb["amount_fen"], feb["fail"], feb["reason"]) == (0, "alive", "deceased")


def test_moving_out_stops_from_the_next_month_with_reason_hukou_moved():
    row = {"stored_status": "moved_out", "status_date": dt.date(2026, 5, 2)}
    assert pay("test-age-allowance", "2026-05", **row)["amount_fen"] == 10000
    june = pay("test-age-allowance", "2026-06", **row)
    assert (june["amount_fen"], june["reason"]) == (0, "hukou_moved")


def test_a_hukou_outside_the_jurisdiction_is_refused_as_hukou_moved():
    row = {"hukou_path": "110000/110100/110105/"}
    out = pay("test-age-allowance", "2026-05", **row)
    assert (out["amount_fen"], out["fail"], out["reason"]) == (0, "hukou", "hukou_moved")


def test_a_code_prefix_is_not_a_match_for_under():
    # 330105 must not match 3301050… inside another segment.
    out = pay("test-age-allowance", "2026-05", hukou_path="330000/330100/3301059/")
    assert out["fail"] == "hukou"


def test_exclusive_programs_pay_only_the_higher_of_the_two():
    # 赵淑珍: dibao (A pays 300) and level 3 living alone (B pays 400) → only B pays.
    row = {"dibao": True, "ability_level": 3, "living_situation": "lives_alone"}
    a = pay("test-care-a", "2026-05", **row)
    b = pay("test-care-b", "2026-05", **row)
    assert (a["amount_fen"], a["fail"], a["reason"]) == (0, "exclusive:test-care-b", "duplicate")
    assert b["amount_fen"] == 40000


def test_exclusivity_keeps_the_program_that_pays_more():
    row = {"extreme_poverty": True, "dibao": True, "ability_level": 3,
           "living_situation": "lives_alone"}
    a = pay("test-care-a", "2026-05", **row)
    assert (a["amount_fen"], a["tier"]) == (50000, "extreme")  # the highest category tier


def test_a_missing_ability_level_is_not_eligible():
    out = pay("test-care-b", "2026-05", ability_level=None, living_situation="lives_alone")
    assert out["fail"] == "disabled"


def test_quarterly_in_advance_pays_three_months_with_the_tier_change_inside():
    born = dt.date(1936, 5, 10)  # 陈玉梅 turns 90 in May: April and May 100, June 200
    out = pay("test-quarterly", "2026-04", birth_date=born)
    assert out["amount_fen"] == 10000 + 10000 + 20000
    assert out["tier"] == "age80-89"


def test_quarterly_pays_nothing_for_months_after_a_recorded_death():
    row = {"stored_status": "deceased", "status_date": dt.date(2026, 4, 20)}
    assert pay("test-quarterly", "2026-04", **row)["amount_fen"] == 10000


def test_the_explanation_records_each_condition_and_agrees_with_the_result():
    row = frame({"birth_date": dt.date(1950, 1, 1)})
    why = explain(P["test-age-allowance"], row, dt.date(2026, 5, 1), P)
    assert why.amount_fen == 0 and why.fail == "age"
    checks = {c.code: c for c in why.months[0].checks}
    assert checks["hukou"].passed and not checks["age"].passed
    assert checks["age"].leaves[0]["value"] == 76


def test_a_leap_day_birthday_counts_as_1_march_in_a_common_year():
    born = dt.date(1936, 2, 29)  # turns 90 on 1 March 2026 (2026 has no 29 February)
    assert pay("test-age-allowance", "2026-03", birth_date=born)["tier"] == "age80-89"
    assert pay("test-age-allowance", "2026-04", birth_date=born)["tier"] == "age90plus"
