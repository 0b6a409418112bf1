"""The periodic-job scheduler: slots, once-per-slot locking, failures recorded, real jobs."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import zoneinfo

import pytest
from django.core.management import call_command

from anlao.core import periodic
from anlao.core.models import PeriodicRun
from anlao.waitlist import services as ws
from tests.test_waitlist_services import apply, elder
from tests.waitlist_fixtures import make_home

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
CALLS: list[dt.datetime] = []


def record(*, now: dt.datetime) -> str:
    CALLS.append(now)
    return "recorded"


def explode(*, now: dt.datetime) -> None:
    raise RuntimeError("disk full")


HOURLY = periodic.Job("test.hourly", "tests.test_core_periodic:record", 60)
NIGHTLY = periodic.Job("test.nightly", "tests.test_core_periodic:record", 1440, offset=120)


def test_slots_cut_time_by_the_jobs_interval_in_local_time():
    at = dt.datetime(2026, 11, 24, 10, 47, tzinfo=SH)
    assert periodic.slot_of(HOURLY, at) == dt.datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    assert periodic.slot_of(NIGHTLY, at) == dt.datetime(2026, 11, 24, 2, 0, tzinfo=SH)
    # before 02:00 the nightly job has no slot today yet
    assert periodic.slot_of(NIGHTLY, at.replace(hour=1)) is None


@pytest.mark.django_db
def test_a_slot_runs_once_however_often_the_scheduler_is_called():
    CALLS.clear()
    at = dt.datetime(2026, 11, 24, 10, 5, tzinfo=SH)
    assert len(periodic.run_due(at, [HOURLY])) == 1
    assert periodic.run_due(at + dt.timedelta(minutes=30), [HOURLY]) == []
    assert len(periodic.run_due(at + dt.timedelta(minutes=60), [HOURLY])) == 1
    assert len(CALLS) == 2
    assert list(PeriodicRun.objects.values_list("ok", "result")) == [
        (True, "recorded"), (True, "recorded")]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_next_one():
    CALLS.clear()
    bad = periodic.Job("test.bad", "tests.test_core_periodic:explode", 60)
    runs = periodic.run_due(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH), [bad, HOURLY])
    assert [(r.job, r.ok) for r in runs] == [("test.bad", False), ("test.hourly", True)]
    assert "disk full" in runs[0].result
    assert len(CALLS) == 1


@pytest.mark.django_db
def test_a_job_whose_module_is_missing_is_skipped():
    ghost = periodic.Job("test.ghost", "anlao.nowhere:job", 60)
    assert periodic.run_due(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH), [ghost]) == []
    assert not PeriodicRun.objects.exists()


@pytest.mark.django_db
def test_the_hourly_job_lapses_overdue_waitlist_offers_without_a_user(world):
    home = make_home(world)
    app = apply(world, elder(world, 1, ability_level=2), home)
    ws.waitlist_offer(actor=world.provider_manager, application_id=app.pk,
                      on=dt.date(2026, 3, 2))
    lapse = next(j for j in periodic.JOBS if j.name == "waitlist.lapse_offers")
    periodic.run_due(dt.datetime(2026, 3, 3, 8, 0, tzinfo=SH), [lapse])
    app.refresh_from_db()
    assert app.status == "offered"  # still within the answer time
    periodic.run_due(dt.datetime(2026, 3, 20, 8, 0, tzinfo=SH), [lapse])
    app.refresh_from_db()
    assert (app.status, app.events.last().kind, app.events.last().actor) == (
        "waiting", "lapsed", None)


def _stop_the_loop(*, now: dt.datetime) -> str:
    os.kill(os.getpid(), signal.SIGTERM)  # as systemd would, while this job runs
    CALLS.append(now)
    return "finished anyway"


@pytest.mark.django_db
def test_the_loop_finishes_the_current_job_on_sigterm_and_exits_cleanly(monkeypatch):
    from anlao.core.management.commands import periodic as command

    closed = []
    monkeypatch.setattr(command, "close_old_connections", lambda: closed.append(1))
    stopping = periodic.Job("test.stop", "tests.test_core_periodic:_stop_the_loop", 1)
    monkeypatch.setattr(periodic, "JOBS", [stopping, HOURLY])
    CALLS.clear()
    before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    call_command("periodic", loop=True, interval=3600, stdout=out)  # returns: no hour's wait
    assert len(CALLS) == 1  # the job under way finished, the next one never started
    assert [r.job for r in PeriodicRun.objects.all()] == ["test.stop"]
    assert PeriodicRun.objects.get().ok
    assert "periodic: stopped" in out.getvalue()
    assert closed == [1, 1]  # stale connections closed before and after the round
    assert signal.getsignal(signal.SIGTERM) == before
