"""Working days: Monday–Friday, minus public holidays, plus adjusted working days (调休).

The calendar is data (data/cn-workdays.yaml); outside the years it covers, plain weekdays count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).parent / "data" / "cn-workdays.yaml"


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself never counts)."""
        day, left = start, n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _expand(item: Any) -> list[dt.date]:
    text = str(item)
    if ".." not in text:
        return [_as_date(item)]
    first, last = (dt.date.fromisoformat(p.strip()) for p in text.split(".."))
    if last < first:
        raise ValueError(f"range {text} ends before it starts")
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def parse_calendar(data: dict[Any, Any]) -> WorkCalendar:
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year in (data or {}).values():
        for item in year.get("holidays") or []:
            holidays.update(_expand(item))
        for item in year.get("workdays") or []:
            workdays.update(_expand(item))
    if holidays & workdays:
        raise ValueError("a day cannot be both a holiday and a working day")
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


@lru_cache(maxsize=2)
def load_calendar(path: str = str(DEFAULT_PATH)) -> WorkCalendar:
    with open(path, encoding="utf-8") as fh:
        return parse_calendar(yaml.safe_load(fh))
