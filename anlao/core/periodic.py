"""Periodic jobs (nightly compliance checks, lapsed offers, alarm sweeps …) without cron.

Django's task API has no scheduler, so ``anlao periodic`` runs whatever is due: once (from cron
or a systemd timer, every minute) or in a loop (``--loop``, what ``make demo`` starts). Each
job's time is cut into slots of ``every`` minutes; a job runs when its current slot has no
``PeriodicRun`` row yet, and inserting that row is the lock (unique job+slot), so several
schedulers never run a slot twice and a crashed slot is not retried until the next one.
Each app registers its own jobs from its ``AppConfig.ready`` (``register_job``), so core names
no app. Jobs are "module:function" names called with ``now=`` (an aware datetime) and return
something printable; a job whose module is not installed is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
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


# Filled by the apps' AppConfig.ready, in app order; one job per name.
JOBS: list[Job] = []


def register_job(name: str, target: str, every: int, offset: int = 0) -> Job:
    """Add (or replace) the job ``name``: call ``target`` ("module:function") with ``now=``
    every ``every`` minutes; daily jobs (``every=1440``) at ``offset`` minutes after midnight."""
    job = Job(name, target, every, offset)
    JOBS[:] = [j for j in JOBS if j.name != name]
    JOBS.append(job)
    return job


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


def run_due(now: dt.datetime | None = None, jobs: list[Job] | None = None,
            stop: Callable[[], bool] = lambda: False) -> list[PeriodicRun]:
    """Run every job whose current slot has not run yet; return the runs made. ``stop`` is
    asked before each job (a shutdown lets the current job finish, then starts no other)."""
    now = now or timezone.now()
    runs = []
    for job in JOBS if jobs is None else jobs:
        if stop():
            break
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
