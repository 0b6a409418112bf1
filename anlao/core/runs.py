"""Run execution: claim a batch row, do the work with a heartbeat, record the error, release.

A batch row (a benefit run; any model with the claim columns) is claimed with one conditional
UPDATE, so two workers never do the same work, on SQLite and PostgreSQL alike. While it
works, the worker touches the row's heartbeat (each progress step does); a claim whose
heartbeat has been silent for ``RUN_STALE_AFTER_SECONDS`` belongs to a process that died
(``kill -9``, a lost machine), and another worker may take it over. The claim's start time is
its token: a worker whose claim was taken over can neither record progress nor release the
new owner's claim — its next step raises ``ClaimLost``.

The kernel knows no app: it is given the model instance and the names of its claim columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.errors import ServiceError

Progress = Callable[[str, int, int], None]  # (step, done, total), e.g. a command's output
Clock = Callable[[], dt.datetime]
ERROR_CHARS = 2000


class RunBusy(ServiceError):
    """Another worker holds the claim, or the row may not be worked in its state."""

    code = "busy"


class ClaimLost(ServiceError):
    """This worker fell silent and another one took its claim over."""

    code = "claim_lost"


@dataclass(frozen=True)
class ClaimFields:
    """The names of a model's claim columns."""

    busy: str = "busy_since"  # when the claim was taken (null: free); the claim's token
    heartbeat: str = "heartbeat_at"  # last sign of life of the worker holding it
    error: str = "error"
    step: str = "progress_step"
    done: str = "progress_done"
    total: str = "progress_total"


def stale_after() -> dt.timedelta:
    """How long a claim may stay silent before another worker may take it over."""
    return dt.timedelta(seconds=settings.RUN_STALE_AFTER_SECONDS)


class Claim:
    """A held claim. ``step`` records progress and beats; ``beat`` only beats."""

    def __init__(self, rows: QuerySet, token: dt.datetime, fields: ClaimFields, clock: Clock,
                 progress: Progress | None):
        self.token, self.fields, self.clock, self.progress = token, fields, clock, progress
        self.mine = rows.filter(**{fields.busy: token})

    def beat(self, **values: Any) -> None:
        """Touch the heartbeat (and set ``values``); ClaimLost if the claim was taken over."""
        if self.mine.update(**{self.fields.heartbeat: self.clock()}, **values) != 1:
            raise ClaimLost(_("This work was taken over by another worker after a silence."))

    def step(self, step: str, done: int = 0, total: int = 0) -> None:
        f = self.fields
        self.beat(**{f.step: step, f.done: done, f.total: total})
        if self.progress:
            self.progress(step, done, total)


def _claimable(fields: ClaimFields, cutoff: dt.datetime) -> Q:
    busy, beat = fields.busy, fields.heartbeat
    return (Q(**{f"{busy}__isnull": True}) | Q(**{f"{beat}__lt": cutoff})
            | Q(**{f"{beat}__isnull": True, f"{busy}__lt": cutoff}))


@contextmanager
def claimed(obj: Model, *, busy_message: str, when: Q | None = None, first_step: str = "",
            fields: ClaimFields | None = None, clock: Clock | None = None,
            progress: Progress | None = None) -> Iterator[Claim]:
    """Claim ``obj``'s row, yield the claim, record an error, and release.

    The row is claimable when free, or silent for longer than ``stale_after()``, and when it
    matches ``when`` (e.g. an open state); otherwise ``RunBusy(busy_message)``. Claiming clears
    the error and sets the first progress step. An exception inside the block is recorded in
    the error column (step ``failed``) and raised again; the claim is released either way.
    Call it outside any transaction: the claim must be visible to other workers at once.
    """
    f = fields or ClaimFields()
    clock = clock or timezone.now
    now = clock()
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    candidates = rows.filter(_claimable(f, now - stale_after()))
    if when is not None:
        candidates = candidates.filter(when)
    took = candidates.update(**{f.busy: now, f.heartbeat: now, f.error: "",
                                f.step: first_step, f.done: 0})
    if took != 1:
        raise RunBusy(busy_message)
    claim = Claim(rows, now, f, clock, progress)
    try:
        yield claim
    except Exception as exc:
        claim.mine.update(**{f.error: str(exc)[:ERROR_CHARS], f.step: "failed"})
        raise
    finally:
        claim.mine.update(**{f.busy: None, f.heartbeat: None})
