"""Thin entry points for the scheduler (registered in WaitlistConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlao.waitlist.services import waitlist_expire_all


def lapse_offers(*, now: dt.datetime) -> int:
    """The hourly lapse of offers not answered in time, in every facility."""
    return waitlist_expire_all(today=timezone.localdate(now))
