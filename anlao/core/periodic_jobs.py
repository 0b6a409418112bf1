"""Adapters from the scheduler's ``now=`` call to each app's system-level job."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def facilities_compliance(*, now: dt.datetime) -> dict[str, int]:
    from anlao.facilities.services import facilities_check_all

    return facilities_check_all(today=timezone.localdate(now))


def waitlist_lapse_offers(*, now: dt.datetime) -> int:
    from anlao.waitlist.services import waitlist_expire_all

    return waitlist_expire_all(today=timezone.localdate(now))
