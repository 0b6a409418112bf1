"""The run execution kernel (core/runs.py): claim, refuse a second claim, take over a silent
one, record an error and release, and keep the heartbeat going. The clock is always given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q

from anlao.benefits.models import BenefitRun
from anlao.core.runs import ClaimLost, RunBusy, claimed
from tests.personas import TODAY

T0 = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
BUSY = "busy"


class Clock:
    """A clock that only moves when told to."""

    def __init__(self, seconds: float = 0):
        self.at = T0 + dt.timedelta(seconds=seconds)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def claim(run: BenefitRun, seconds: float = 0, **kwargs):
    """A claim taken ``seconds`` after T0, by a worker whose clock stands still."""
    return claimed(run, busy_message=BUSY, clock=Clock(seconds), **kwargs)


@pytest.fixture
def run(world):
    return BenefitRun.objects.create(program="test", period="2026-10", area=world.district,
                                     error="old failure", progress_step="failed")


@pytest.fixture(autouse=True)
def _stale_after(settings):
    settings.RUN_STALE_AFTER_SECONDS = 120


def test_a_free_run_is_claimed_then_released(run):
    with claim(run, first_step="load"):
        run.refresh_from_db()
        assert (run.busy_since, run.heartbeat_at) == (T0, T0)
        assert (run.progress_step, run.progress_done, run.error) == ("load", 0, "")
    run.refresh_from_db()
    assert (run.busy_since, run.heartbeat_at, run.progress_step) == (None, None, "load")


def test_a_second_claim_is_refused_while_the_first_is_alive(run):
    with claim(run), pytest.raises(RunBusy) as exc, claim(run, 119):
        pass
    assert (exc.value.code, exc.value.message) == ("busy", BUSY)


def test_a_row_that_does_not_match_when_is_refused(run):
    with pytest.raises(RunBusy), claim(run, when=Q(state="approved")):
        pass


def test_a_silent_claim_is_taken_over_and_the_old_worker_loses_it(run):
    steps: list[tuple] = []
    # the old worker's process was killed at T0: nothing beats any more
    with claim(run) as old, claim(run, 121, progress=lambda *a: steps.append(a)) as new:
        run.refresh_from_db()
        assert run.busy_since == at(121)
        with pytest.raises(ClaimLost):
            old.step("evaluate", 1, 2)
        new.step("evaluate", 1, 2)
    assert steps == [("evaluate", 1, 2)]


def test_the_old_worker_neither_records_its_error_nor_releases_the_new_claim(run):
    with pytest.raises(ValueError), claim(run, first_step="load"):
        # meanwhile another worker took the run over
        BenefitRun.objects.filter(pk=run.pk).update(busy_since=at(300), heartbeat_at=at(300))
        raise ValueError("the old worker woke up and failed")
    run.refresh_from_db()
    assert (run.busy_since, run.error, run.progress_step) == (at(300), "", "load")


def test_the_silence_allowed_is_a_setting(run, settings):
    settings.RUN_STALE_AFTER_SECONDS = 600
    with claim(run):
        with pytest.raises(RunBusy), claim(run, 300):
            pass
        with claim(run, 601):
            pass


def test_a_claim_from_before_heartbeats_counts_from_its_start(run):
    BenefitRun.objects.filter(pk=run.pk).update(busy_since=T0, heartbeat_at=None)
    with pytest.raises(RunBusy), claim(run, 60):
        pass
    with claim(run, 121):
        pass


def test_an_error_is_recorded_and_the_claim_released(run):
    with pytest.raises(ValueError), claim(run, first_step="load"):
        raise ValueError("the registry could not be read")
    run.refresh_from_db()
    assert (run.error, run.progress_step) == ("the registry could not be read", "failed")
    assert (run.busy_since, run.heartbeat_at) == (None, None)


def test_the_heartbeat_advances_with_each_step(run):
    clock, seen = Clock(), []
    with claimed(run, busy_message=BUSY, clock=clock, progress=lambda *a: seen.append(a)) as c:
        clock.advance(90)
        c.step("write", 10, 100)
        run.refresh_from_db()
        assert run.heartbeat_at == at(90)
        assert (run.progress_step, run.progress_done, run.progress_total) == ("write", 10, 100)
        clock.advance(90)
        c.beat()
        run.refresh_from_db()
        assert run.heartbeat_at == at(180)
        # three minutes after the claim, but it beat just now: still held
        with pytest.raises(RunBusy), claim(run, 181):
            pass
    assert seen == [("write", 10, 100)]
