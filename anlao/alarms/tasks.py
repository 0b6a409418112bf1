"""Thin entry points for the scheduler (registered in AlarmsConfig.ready)."""

from __future__ import annotations

import datetime as dt

from anlao.alarms.sweeps import alarms_sweep


def sweep(*, now: dt.datetime) -> dict[str, int]:
    return alarms_sweep(now=now)
