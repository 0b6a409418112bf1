"""The queue as a pure function of the event log: the same events always give the same queue.

Nothing here touches the database. Services append events (models.WaitlistEvent) and call
:func:`compute_queue` on a facility's events to know who is where; pages call it to show the
queue and :func:`position_history` to tell an applicant why they are where they are.

Order: class rank (policy order), then application time, then the order the applications were
recorded in (the ``applied`` event's sequence number) when two times are equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from anlao.waitlist.policy import WaitlistPolicy

APPLIED, CLASS_SET, OFFERED, ACCEPTED = "applied", "class_set", "offered", "accepted"
DECLINED, LAPSED, WITHDRAWN, ADMITTED = "declined", "lapsed", "withdrawn", "admitted"
KINDS = (APPLIED, CLASS_SET, OFFERED, ACCEPTED, DECLINED, LAPSED, WITHDRAWN, ADMITTED)

# Application states derived from the events.
WAITING, OFFER_OPEN, ACCEPTED_STATE = "waiting", "offered", "accepted"
ADMITTED_STATE, WITHDRAWN_STATE, REMOVED = "admitted", "withdrawn", "removed"
ACTIVE = frozenset({WAITING, OFFER_OPEN, ACCEPTED_STATE})

# Which event may follow which state; anything else is a broken log.
ALLOWED: dict[str, frozenset[str]] = {
    CLASS_SET: ACTIVE,
    OFFERED: frozenset({WAITING}),
    ACCEPTED: frozenset({OFFER_OPEN}),
    DECLINED: frozenset({OFFER_OPEN}),
    LAPSED: frozenset({OFFER_OPEN}),
    WITHDRAWN: ACTIVE,
    ADMITTED: frozenset({ACCEPTED_STATE, OFFER_OPEN}),
}


class BrokenLog(ValueError):
    """An event that cannot follow the application's state (services never write one)."""


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    application_id: int
    at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    application_id: int
    applied_at: dt.datetime
    applied_seq: int
    bed_category: str
    class_code: str = ""
    status: str = WAITING
    declines: int = 0
    offer_due: str = ""
    position: int | None = None


def _apply(entry: Entry | None, ev: Event, policy: WaitlistPolicy) -> Entry:
    if ev.kind == APPLIED:
        if entry is not None:
            raise BrokenLog(f"application {ev.application_id} applied twice")
        return Entry(ev.application_id, ev.at, ev.seq, str(ev.data.get("bed_category", "")))
    if entry is None:
        raise BrokenLog(f"event {ev.seq} for unknown application {ev.application_id}")
    if ev.kind not in ALLOWED or entry.status not in ALLOWED[ev.kind]:
        raise BrokenLog(f"event {ev.seq}: {ev.kind} cannot follow {entry.status}")
    if ev.kind == CLASS_SET:
        return replace(entry, class_code=str(ev.data["class"]))
    if ev.kind == OFFERED:
        return replace(entry, status=OFFER_OPEN, offer_due=str(ev.data.get("due", "")))
    if ev.kind == ACCEPTED:
        return replace(entry, status=ACCEPTED_STATE, offer_due="")
    if ev.kind in (DECLINED, LAPSED):
        declines = entry.declines + 1
        status = REMOVED if declines >= policy.max_declines else WAITING
        return replace(entry, status=status, declines=declines, offer_due="")
    status = WITHDRAWN_STATE if ev.kind == WITHDRAWN else ADMITTED_STATE
    return replace(entry, status=status, offer_due="")


def replay(events: Iterable[Event], policy: WaitlistPolicy) -> dict[int, Entry]:
    """Every application's state after the events, in sequence order."""
    state: dict[int, Entry] = {}
    for ev in sorted(events, key=lambda e: e.seq):
        state[ev.application_id] = _apply(state.get(ev.application_id), ev, policy)
    return state


def sort_key(entry: Entry, policy: WaitlistPolicy) -> tuple:
    # Unclassified applications (no class_set yet) wait after every class, unnumbered.
    rank = policy.class_rank(entry.class_code) if entry.class_code else len(policy.classes) + 1
    return (rank, entry.applied_at, entry.applied_seq)


def order(state: dict[int, Entry], policy: WaitlistPolicy) -> list[Entry]:
    active = sorted((e for e in state.values() if e.status in ACTIVE),
                    key=lambda e: sort_key(e, policy))
    out, n = [], 0
    for e in active:
        if e.class_code:
            n += 1
            out.append(replace(e, position=n))
        else:
            out.append(e)
    return out


def compute_queue(events: Iterable[Event], policy: WaitlistPolicy) -> list[Entry]:
    """The active queue (waiting, offered, accepted) in order, numbered from 1."""
    return order(replay(events, policy), policy)


def first_waiting(queue: list[Entry], bed_category: str) -> Entry | None:
    """Who a freed bed of this category is offered to: the first waiting, classed applicant."""
    return next((e for e in queue if e.status == WAITING and e.class_code
                 and e.bed_category == bed_category), None)


@dataclass(frozen=True)
class Move:
    event: Event
    before: int | None
    after: int | None


def position_history(events: Iterable[Event], policy: WaitlistPolicy,
                     application_id: int) -> list[Move]:
    """Each event that changed this application's queue number, with both numbers.

    Replays the log one event at a time, so the reason for every move is the event itself
    (someone ahead admitted or withdrawn, a higher class applied, a class changed…).
    """
    state: dict[int, Entry] = {}
    moves: list[Move] = []
    current: int | None = None
    for ev in sorted(events, key=lambda e: e.seq):
        state[ev.application_id] = _apply(state.get(ev.application_id), ev, policy)
        if application_id not in state:
            continue
        pos = next((e.position for e in order(state, policy)
                    if e.application_id == application_id), None)
        if pos != current or ev.application_id == application_id:
            moves.append(Move(ev, current, pos))
            current = pos
    return moves


def explain(queue: list[Entry], application_id: int, policy: WaitlistPolicy) -> dict[str, Any]:
    """Counts behind a queue number: how many are ahead in a higher class, and in the same
    class with an earlier (or equal, recorded earlier) application."""
    me = next((e for e in queue if e.application_id == application_id), None)
    if me is None or me.position is None:
        return {"position": None}
    ahead = [e for e in queue if e.position is not None and e.position < me.position]
    my_rank = policy.class_rank(me.class_code)
    higher = sum(1 for e in ahead if policy.class_rank(e.class_code) < my_rank)
    same_time = sum(1 for e in ahead if e.class_code == me.class_code
                    and e.applied_at == me.applied_at)
    return {"position": me.position, "higher_class": higher,
            "same_class_earlier": len(ahead) - higher - same_time,
            "same_time_recorded_earlier": same_time}
