"""The GB/T 42195-2022 scoring: properties over any answers, table tests at every band edge,
and agreement between the one-assessment function and the Polars expression."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anlao.assessments.instrument import load
from anlao.assessments.scoring import (
    AnswersInvalid,
    Conditions,
    LevelRules,
    apply_level_changes,
    check_answers,
    level_for_total,
    risk_column,
    score,
    score_frame,
)

INST = load()
BANDS = {0: (90, 90), 1: (66, 89), 2: (46, 65), 3: (30, 45), 4: (0, 29)}
EVENT_CODES = INST.risk_event_codes

answers_st = st.fixed_dictionaries(
    {i.code: st.sampled_from(sorted(i.scores)) for i in INST.items})
events_st = st.dictionaries(st.sampled_from(EVENT_CODES), st.integers(0, 5), max_size=6)
conditions_st = st.builds(Conditions, coma=st.booleans(), dementia=st.booleans(),
                          psychiatric_disorder=st.booleans(), risk_events=events_st)
rules_st = st.builds(LevelRules, stack=st.booleans(), events_across_types=st.booleans())


def answers_with_total(total: int) -> dict[str, int]:
    """Answers summing to ``total``: fill items to their maximum, in order."""
    left, out = total, {}
    for item in INST.items:
        out[item.code] = min(item.max_score, left)
        left -= out[item.code]
    assert left == 0
    return out


def test_the_instrument_has_26_items_in_four_dimensions_with_the_standard_maxima():
    assert len(INST.items) == 26
    assert [(d.code, d.max_score) for d in INST.dimensions] == [
        ("B.1", 32), ("B.2", 15), ("B.3", 28), ("B.4", 15)]
    assert INST.max_total == 90
    assert INST.item_map["B.2.4"].max_score == 3
    assert INST.item_map["B.3.9"].scores == frozenset({0, 1, 2})


@given(answers_st)
def test_any_complete_answers_give_totals_and_subtotals_within_their_maxima(answers):
    result = score(answers)
    assert 0 <= result.total <= 90
    for d in INST.dimensions:
        assert 0 <= result.subtotals[d.code] <= d.max_score
    assert sum(result.subtotals.values()) == result.total
    lo, hi = BANDS[result.initial_level]
    assert lo <= result.total <= hi


@given(answers_st, conditions_st, rules_st)
def test_level_changes_only_raise_the_level_and_never_above_4(answers, conditions, rules):
    result = score(answers, conditions, rules)
    assert result.initial_level <= result.final_level <= 4
    if conditions.coma:
        assert result.final_level == 4
    steps = result.final_level - result.initial_level
    if not conditions.coma:
        assert steps <= (2 if rules.stack else 1)
    for change in result.changes:
        assert change.from_level <= change.to_level <= 4


@given(st.integers(0, 4), conditions_st, rules_st)
def test_more_conditions_never_lower_the_final_level(initial, conditions, rules):
    final, _ = apply_level_changes(initial, conditions, rules)
    worse = Conditions(coma=conditions.coma, dementia=True,
                       psychiatric_disorder=conditions.psychiatric_disorder,
                       risk_events=conditions.risk_events)
    assert apply_level_changes(initial, worse, rules)[0] >= final


@pytest.mark.parametrize(("total", "level"), [
    (90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)])
def test_band_boundaries(total, level):
    assert level_for_total(total) == level
    assert score(answers_with_total(total)).initial_level == level


def test_coma_makes_level_4_whatever_the_score():
    result = score(answers_with_total(90), Conditions(coma=True))
    assert (result.initial_level, result.final_level) == (0, 4)
    assert [c.rule for c in result.changes] == ["coma"]


def test_dementia_and_two_events_do_not_stack_by_default():
    both = Conditions(dementia=True, risk_events={"fall": 1, "wandering": 1})
    result = score(answers_with_total(70), both)
    assert (result.initial_level, result.final_level) == (1, 2)
    assert [(c.rule, c.to_level) for c in result.changes] == [
        ("mental_disorder", 2), ("risk_events", 2)]
    stacked = score(answers_with_total(70), both, LevelRules(stack=True))
    assert stacked.final_level == 3


def test_events_count_across_types_unless_the_setting_says_otherwise():
    mixed = Conditions(risk_events={"fall": 1, "choking": 1})
    assert score(answers_with_total(70), mixed).final_level == 2
    per_type = LevelRules(events_across_types=False)
    assert score(answers_with_total(70), mixed, per_type).final_level == 1
    same = Conditions(risk_events={"fall": 2})
    assert score(answers_with_total(70), same, per_type).final_level == 2


def test_one_event_changes_nothing():
    result = score(answers_with_total(70), Conditions(risk_events={"fall": 1}))
    assert result.final_level == 1 and result.changes == ()


def test_level_4_stays_4_with_a_diagnosis():
    result = score(answers_with_total(10), Conditions(psychiatric_disorder=True))
    assert result.final_level == 4


def test_it_refuses_missing_and_out_of_range_answers():
    answers = answers_with_total(90)
    del answers["B.1.1"]
    answers["B.2.4"] = 4  # stairs go to 3
    answers["B.9.9"] = 1
    errors = check_answers(answers, complete=True)
    assert set(errors) == {"B.1.1", "B.2.4", "B.9.9"}
    with pytest.raises(AnswersInvalid):
        score(answers)


def test_a_partial_set_is_acceptable_when_not_complete():
    assert check_answers({"B.1.1": 3}, complete=False) == {}
    assert check_answers({"B.1.1": True}, complete=False)  # a bool is not a score


@settings(max_examples=30)
@given(st.lists(st.tuples(answers_st, conditions_st), min_size=1, max_size=20), rules_st)
def test_the_polars_expression_agrees_with_the_function(rows, rules):
    records = []
    for answers, cond in rows:
        rec = {**answers, "coma": cond.coma, "dementia": cond.dementia,
               "psychiatric_disorder": cond.psychiatric_disorder}
        rec.update({risk_column(c): cond.risk_events.get(c, 0) for c in EVENT_CODES})
        records.append(rec)
    out = score_frame(pl.DataFrame(records), rules)
    for (answers, cond), got in zip(rows, out.iter_rows(named=True), strict=True):
        want = score(answers, cond, rules)
        assert (got["total"], got["initial_level"], got["final_level"]) == (
            want.total, want.initial_level, want.final_level)
        assert got["subtotal_self_care"] == want.subtotals["B.1"]


def test_the_polars_expression_treats_missing_condition_columns_as_absent():
    frame = pl.DataFrame([answers_with_total(66)])
    row = score_frame(frame).row(0, named=True)
    assert (row["total"], row["initial_level"], row["final_level"]) == (66, 1, 1)
