"""Why a visit was left unassigned: checks that need no solver, and the human reasons.

``Plan.unassigned`` maps a job id to one of the English source strings below. They are marked
with ``gettext_noop`` so they sit in the catalogue; whoever shows or stores them translates at
display time (``gettext(reason)`` / ``{% translate reason %}``), so each reader sees their own
language. The checks run before the solver so that a job nobody can do gets the precise reason
(and the solver does not waste time on it); what remains unassigned after solving simply did
not fit into anyone's day.
"""

from __future__ import annotations

import numpy as np

from anlao.homecare.dispatch.routing.model import Job, Vehicle


def gettext_noop(message: str) -> str:
    """Marks a string for translation (xgettext finds this name) without needing Django's
    settings: the routing core also runs in benchmarks outside Django."""
    return message


NO_CAREGIVER = gettext_noop("No caregiver is working that day.")
NO_SKILL = gettext_noop("No caregiver on duty has the required skill.")
PINNED_ABSENT = gettext_noop("The caregiver this visit is pinned to is not working that day.")
PINNED_NO_SKILL = gettext_noop("The caregiver this visit is pinned to lacks the required skill.")
OUTSIDE_HOURS = gettext_noop(
    "The visit's time window is outside the working hours of every caregiver who could do it.")
TOO_LARGE = gettext_noop("The visit needs more capacity than any caregiver has.")
NO_TIME = gettext_noop("Could not fit into any caregiver's day (not enough time).")
PINNED_NO_TIME = gettext_noop(
    "The pinned caregiver has no time for this visit at the pinned time.")

ALL = (NO_CAREGIVER, NO_SKILL, PINNED_ABSENT, PINNED_NO_SKILL, OUTSIDE_HOURS, TOO_LARGE,
       NO_TIME, PINNED_NO_TIME)

OPEN = (0, 2**31 - 1)  # a job without windows may start at any time


def capable(job: Job, vehicles: list[Vehicle]) -> tuple[list[int], str | None]:
    """Indexes of the vehicles that may do ``job`` (pin, skills, capacity), or the reason none
    may."""
    if job.pinned_to is not None:
        found = [i for i, v in enumerate(vehicles) if v.id == job.pinned_to]
        if not found:
            return [], PINNED_ABSENT
        if not job.skills <= vehicles[found[0]].skills:
            return [], PINNED_NO_SKILL
        candidates = found
    else:
        candidates = [i for i, v in enumerate(vehicles) if job.skills <= v.skills]
        if not candidates:
            return [], NO_SKILL
    if job.demand:
        candidates = [i for i in candidates
                      if vehicles[i].capacity is None or vehicles[i].capacity >= job.demand]
        if not candidates:
            return [], TOO_LARGE
    return candidates, None


def fits_some_shift(windows: tuple[tuple[int, int], ...], service_s: int, shift_start: np.ndarray,
                    shift_end: np.ndarray, to_job: np.ndarray, from_job: np.ndarray) -> bool:
    """Whether some window lets one of the given vehicles (arrays, one entry each) leave its
    start, serve the job and reach its end inside its shift — the job alone, ignoring others."""
    for lo, hi in windows or (OPEN,):
        begin = np.maximum(lo, shift_start + to_job)
        if np.any((begin <= hi) & (begin + service_s + from_job <= shift_end)):
            return True
    return False
