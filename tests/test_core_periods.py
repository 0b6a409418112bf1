"""Month and quarter arithmetic (core.periods): year ends, short months, leap years."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from anlao.core.periods import (
    add_months,
    format_month,
    month_bounds,
    month_end,
    month_start,
    next_month,
    parse_month,
    previous_month,
    previous_quarter,
    quarter_bounds,
    quarter_of,
)

D = dt.date


@pytest.mark.parametrize("day, start, end", [
    (D(2026, 1, 31), D(2026, 1, 1), D(2026, 1, 31)),
    (D(2026, 2, 10), D(2026, 2, 1), D(2026, 2, 28)),
    (D(2028, 2, 10), D(2028, 2, 1), D(2028, 2, 29)),  # leap year
    (D(2100, 2, 1), D(2100, 2, 1), D(2100, 2, 28)),  # a century, not a leap year
    (D(2000, 2, 1), D(2000, 2, 1), D(2000, 2, 29)),  # every 400 years, a leap year
    (D(2026, 4, 30), D(2026, 4, 1), D(2026, 4, 30)),
    (D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 31)),
])
def test_a_months_first_and_last_day(day, start, end):
    assert (month_start(day), month_end(day)) == (start, end)


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 12, 15), 1, D(2027, 1, 15)),  # December → January
    (D(2027, 1, 15), -1, D(2026, 12, 15)),  # and back
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # Jan 31 + 1 month: the last day of February
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # … in a leap year
    (D(2028, 2, 29), 12, D(2029, 2, 28)),  # 29 February a year on
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 5, 31), 1, D(2026, 6, 30)),
    (D(2026, 4, 1), -11, D(2025, 5, 1)),
    (D(2026, 4, 1), -16, D(2024, 12, 1)),
    (D(2026, 4, 1), 24, D(2028, 4, 1)),
    (D(2026, 4, 9), 0, D(2026, 4, 9)),
])
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_next_and_previous_month_cross_the_year():
    assert next_month(D(2026, 12, 31)) == D(2027, 1, 1)
    assert next_month(D(2026, 1, 31)) == D(2026, 2, 1)
    assert previous_month(D(2027, 1, 1)) == D(2026, 12, 1)
    assert previous_month(D(2026, 3, 31)) == D(2026, 2, 1)
    assert month_bounds(D(2026, 12, 9)) == (D(2026, 12, 1), D(2027, 1, 1))


def test_months_are_parsed_and_written_as_year_dash_month():
    assert parse_month("2026-04") == D(2026, 4, 1)
    assert parse_month(" 2026-12 ") == D(2026, 12, 1)
    assert format_month(D(2026, 4, 30)) == "2026-04"
    assert format_month(D(999, 1, 1)) == "0999-01"


@pytest.mark.parametrize("text", ["2026-4", "2026-13", "2026-00", "26-04", "2026/04", "2026",
                                  "2026-04-01", "", "abcd-ef", "-2026-04"])
def test_anything_else_is_not_a_month(text):
    with pytest.raises(ValueError):
        parse_month(text)


@pytest.mark.parametrize("day, quarter", [
    (D(2026, 1, 1), (2026, 1)), (D(2026, 3, 31), (2026, 1)), (D(2026, 4, 1), (2026, 2)),
    (D(2026, 6, 30), (2026, 2)), (D(2026, 7, 1), (2026, 3)), (D(2026, 9, 30), (2026, 3)),
    (D(2026, 10, 1), (2026, 4)), (D(2026, 12, 31), (2026, 4)),
])
def test_the_quarter_of_a_day(day, quarter):
    assert quarter_of(day) == quarter


def test_quarter_bounds_and_the_quarter_before():
    assert quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert quarter_bounds(2028, 1)[1] == D(2028, 3, 31)
    assert quarter_bounds(2026, 2) == (D(2026, 4, 1), D(2026, 6, 30))
    assert quarter_bounds(2026, 3) == (D(2026, 7, 1), D(2026, 9, 30))
    assert quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert previous_quarter(D(2026, 2, 14)) == (2025, 4)
    assert previous_quarter(D(2026, 4, 1)) == (2026, 1)
    assert previous_quarter(D(2026, 12, 31)) == (2026, 3)
    with pytest.raises(ValueError):
        quarter_bounds(2026, 5)


def test_the_app_reads_the_clock_only_through_django_timezone():
    """``date.today()`` and naive ``datetime.now()`` ignore TIME_ZONE and the test clock."""
    root = Path(__file__).resolve().parent.parent / "anlao"
    wall_clock = re.compile(r"\bdate\.today\(\)|\bdatetime\.(now|today|utcnow)\(")
    found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if wall_clock.search(line)]
    assert found == []
