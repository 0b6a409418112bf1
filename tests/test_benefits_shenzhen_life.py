"""The shipped Shenzhen allowance checks 生存认证 in May and November (issue 20)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from anlao.benefits.engine.evaluation import evaluate
from anlao.benefits.policy.programs import load_programs
from tests.benefits_fixtures import frame

SZ = "440000/440300/440304/440304001000/440304001001/"


def test_the_shipped_shenzhen_file_verifies_life_in_may_and_november():
    programs = load_programs(settings.BASE_DIR / "policies")
    sz = programs["shenzhen-high-age-allowance"]
    life = sz.version_on(dt.date(2026, 6, 1)).life
    assert life is not None and list(life.months) == [5, 11] and life.grace_months == 0
    assert "not modelled" not in sz.notes.lower() and "NOT modelled" not in sz.notes
    rows = frame({"hukou_path": SZ, "residence_path": SZ, "birth_date": dt.date(1940, 1, 2),
                  "last_verified": dt.date(2025, 11, 20)},  # verified in November, not in May
                 {"hukou_path": SZ, "residence_path": SZ, "birth_date": dt.date(1940, 1, 2),
                  "last_verified": dt.date(2026, 5, 12)})
    june = evaluate(sz, rows, dt.date(2026, 6, 1), programs)
    assert june["reason"].to_list()[0] == "not_verified" and june["amount_fen"].to_list() == [
        0, 30000]
    april = evaluate(sz, rows, dt.date(2026, 4, 1), programs)  # before May's deadline
    assert april["amount_fen"].to_list() == [30000, 30000]

