"""A benefit run is computed by one worker at a time; a run whose worker died (no heartbeat
for RUN_STALE_AFTER_SECONDS) is taken over; queueing enqueues the computation after commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.benefits.models import BenefitRun
from anlao.benefits.runs import services
from anlao.core.errors import ServiceError
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder
from tests.test_benefits_runs import compute, create


@pytest.fixture
def town(world, settings, tmp_path):
    """Two elders the test allowance pays; computations run at once, silence allowed 120 s."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RUN_STALE_AFTER_SECONDS = 120
    make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=3)
    return world


def held(run: BenefitRun, silent_for: int) -> None:
    """Another worker claimed the run and was last heard of ``silent_for`` seconds ago."""
    beat = timezone.now() - dt.timedelta(seconds=silent_for)
    BenefitRun.objects.filter(pk=run.pk).update(busy_since=beat - dt.timedelta(minutes=5),
                                                heartbeat_at=beat, progress_step="evaluate")


def test_a_run_held_by_a_live_worker_is_refused(town):
    run = create(town)
    held(run, silent_for=30)
    with pytest.raises(ServiceError) as exc:
        compute(town, run)
    assert exc.value.code == "busy"
    run.refresh_from_db()
    assert (run.state, run.progress_step) == ("draft", "evaluate")


def test_a_run_whose_worker_fell_silent_is_taken_over(town):
    run = create(town)
    held(run, silent_for=121)
    run = compute(town, run)
    assert (run.state, run.paid_count) == ("computed", 2)
    run.refresh_from_db()
    assert (run.busy_since, run.heartbeat_at, run.progress_step) == (None, None, "done")


def test_queueing_enqueues_the_computation_once_committed(town,
                                                          django_capture_on_commit_callbacks):
    run = create(town)
    with django_capture_on_commit_callbacks() as callbacks:
        services.run_queue(actor=town.district_officer, run_id=run.pk)
    run.refresh_from_db()
    assert (run.state, run.progress_step, len(callbacks)) == ("draft", "queued", 1)
    callbacks[0]()  # the commit: the immediate backend computes it now
    run.refresh_from_db()
    assert (run.state, run.paid_count) == ("computed", 2)


def test_nothing_is_enqueued_when_queueing_is_refused(town,
                                                      django_capture_on_commit_callbacks):
    run = create(town)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ServiceError):
        services.run_queue(actor=town.street_officer_a, run_id=run.pk)
    assert callbacks == []
