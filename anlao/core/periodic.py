"""Periodic jobs (nightly compliance checks, lapsed offers, alarm sweeps …) without cron.

Django's task API has no scheduler, so ``anlao periodic`` runs whatever is due: once (from cron
or a systemd timer, every minute) or in a loop (``--loop``, what ``make demo`` starts). Each
job's time is cut into slots of ``every`` minutes; a job runs when its current slot has no
``PeriodicRun`` row yet, and inserting that row is the lock (unique job+slot), so several
schedulers never run a slot twice and a crashed slot is not retried until the next one.
Jobs are "module:function" names called with ``now=`` (an aware datetime) and return something
printable; a job whose module is not installed is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from anlao.core.dotted import optional_callable
from anlao.core.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module:function", called with now=
    every: int  # minutes; 1440 = daily
    offset: int = 0  # minutes after midnight (local time) for daily jobs, e.g. 120 = 02:00


JOBS = [
    Job("facilities.compliance", "anlao.core.periodic_jobs:facilities_compliance", 1440, 120),
    Job("waitlist.lapse_offers", "anlao.core.periodic_jobs:waitlist_lapse_offers", 60),
    # EVV: visits checked in on an earlier day and never checked out (after midnight).
    Job("homecare.missing_check_out", "anlao.homecare.visits.anomalies:anomalies_sweep", 1440, 30),
    Job("alarms.sweep", "anlao.alarms.tasks:sweep", 1),  # escalation + no movement
    # Care plans: each plan day's order a week ahead (idempotent: unique plan + date).
    Job("homecare.care_plans", "anlao.homecare.orders.services:care_plans_daily", 1440, 60),
]


def slot_of(job: Job, now: dt.datetime) -> dt.datetime | None:
    """The start of the job's current slot, or None before a daily job's first slot today."""
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    midnight = local.replace(hour=0, minute=0)
    minutes = int((local - midnight).total_seconds() // 60) - job.offset
    if minutes < 0:
        return None if job.every >= 1440 else midnight
    return midnight + dt.timedelta(minutes=job.offset + minutes // job.every * job.every)


def _claim(job: Job, slot: dt.datetime, now: dt.datetime) -> PeriodicRun | None:
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job.name, slot=slot, started_at=now)
    except IntegrityError:
        return None  # another scheduler has it, or it already ran


def run_due(now: dt.datetime | None = None, jobs: list[Job] | None = None
            ) -> list[PeriodicRun]:
    """Run every job whose current slot has not run yet; return the runs made."""
    now = now or timezone.now()
    runs = []
    for job in JOBS if jobs is None else jobs:
        try:
            func, _why = optional_callable(job.target)
        except ImportError:  # a broken job module must not stop the other jobs
            log.exception("periodic job %s cannot be imported", job.name)
            continue
        slot = slot_of(job, now)
        if func is None or slot is None:
            continue
        run = _claim(job, slot, now)
        if run is None:
            continue
        try:
            run.result, run.ok = str(func(now=now))[:2000], True
        except Exception:  # a failing job must not stop the others; the row says why
            log.exception("periodic job %s failed", job.name)
            run.result, run.ok = traceback.format_exc()[-2000:], False
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "ok", "finished_at"])
        runs.append(run)
    return runs
