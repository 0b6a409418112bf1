"""Bulk evaluation (one frame) and single-elder explanations agree on generated populations."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from anlao.benefits.engine.evaluation import evaluate, explain
from tests.benefits_fixtures import frame, programs

P = programs()
GONGSHU = "330000/330100/330105/330105001000/330105001001/"
BEIJING = "110000/110100/110105/"

elder = st.fixed_dictionaries({
    "birth_date": st.dates(dt.date(1915, 1, 1), dt.date(1966, 12, 31)),
    "stored_status": st.sampled_from(["active", "active", "deceased", "moved_out"]),
    "status_date": st.one_of(st.none(), st.dates(dt.date(2025, 6, 1), dt.date(2026, 12, 31))),
    "hukou_path": st.sampled_from([GONGSHU, GONGSHU, BEIJING]),
    "dibao": st.booleans(), "extreme_poverty": st.booleans(),
    "ability_level": st.one_of(st.none(), st.integers(0, 4)),
    "living_situation": st.sampled_from(["lives_alone", "with_family", "empty_nest"]),
})


@settings(max_examples=30, deadline=None)
@given(st.lists(elder, min_size=1, max_size=40),
       st.sampled_from(list(P)), st.sampled_from(["2026-01", "2026-04", "2026-07"]))
def test_every_elder_explained_alone_gets_what_the_bulk_run_gives(rows, code, period):
    population = frame(*rows)
    start = dt.date.fromisoformat(period + "-01")
    bulk = evaluate(P[code], population, start, P).sort("id")
    for i, expected in enumerate(bulk.iter_rows(named=True)):
        why = explain(P[code], population.slice(i, 1), start, P)
        assert (why.amount_fen, why.tier, why.fail, why.reason) == (
            expected["amount_fen"], expected["tier"], expected["fail"], expected["reason"])
        if why.fail is None:
            assert all(c.passed for m in why.months[:1] for c in m.checks)
            assert why.amount_fen == sum(m.amount_fen for m in why.months)


def test_the_result_keeps_the_frame_row_order():
    population = frame(*[{"dibao": i % 2 == 0, "ability_level": 3,
                          "living_situation": "lives_alone"} for i in range(50)])
    population = population.with_columns(id=population["id"].reverse())
    for code in P:
        out = evaluate(P[code], population, dt.date(2026, 4, 1), P)
        assert out["id"].to_list() == population["id"].to_list()
