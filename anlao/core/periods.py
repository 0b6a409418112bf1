"""Calendar months and quarters: the one place that does month arithmetic.

A month is named by its first day (``dt.date(2026, 4, 1)``), as the models store periods,
and written ``YYYY-MM`` in forms, URLs and files. Quarters are numbered 1–4.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier); a day the month lacks (the 31st, 29
    February) becomes that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return add_months(month_start(day), 1)


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s."""
    return add_months(month_start(day), -1)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """``day``'s month as a half-open range: its first day, and the next month's."""
    return month_start(day), next_month(day)


def parse_month(text: str) -> dt.date:
    """``"2026-04"`` → ``dt.date(2026, 4, 1)``; ValueError if it is not a year and a month."""
    year, sep, month = str(text).strip().partition("-")
    if not sep or len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(f"a month looks like 2026-04, not {text!r}")
    return dt.date(int(year), int(month), 1)


def format_month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1–4) that ``day`` falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a quarter."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"a quarter is 1 to 4, not {quarter!r}")
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return first, month_end(add_months(first, 2))


def previous_quarter(day: dt.date) -> tuple[int, int]:
    """(year, quarter) of the quarter before the one ``day`` falls in."""
    year, quarter = quarter_of(day)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)
