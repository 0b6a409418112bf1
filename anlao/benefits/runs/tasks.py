"""Background computation of a run (django-tasks; `anlao db_worker` executes it)."""

from __future__ import annotations

from django_tasks import task

from anlao.accounts.models import User
from anlao.benefits.runs import services


@task()
def compute_run(run_id: int, actor_id: int) -> int:
    actor = User.objects.get(pk=actor_id)
    return services.run_compute(actor=actor, run_id=run_id).paid_count
