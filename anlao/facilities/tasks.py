"""Thin entry points for the scheduler (registered in FacilitiesConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlao.facilities.services import facilities_check_all


def compliance(*, now: dt.datetime) -> dict[str, int]:
    """The nightly compliance check of every facility."""
    return facilities_check_all(today=timezone.localdate(now))
