"""The queue as a pure function of the event log (anlao.waitlist.queue)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from anlao.waitlist.policy import load_policy
from anlao.waitlist.queue import (
    BrokenLog,
    Event,
    compute_queue,
    explain,
    first_waiting,
    position_history,
    replay,
)

POLICY = load_policy()
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Log:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, app: int, hours: float = 0, **data) -> Log:
        at = T0 + dt.timedelta(hours=hours)
        self.events.append(Event(len(self.events) + 1, kind, app, at, data))
        return self

    def apply(self, app: int, cls: str, hours: float = 0, bed: str = "nursing") -> Log:
        return self.add("applied", app, hours, bed_category=bed).add(
            "class_set", app, hours, **{"class": cls})

    def order(self) -> list[int]:
        return [e.application_id for e in compute_queue(self.events, POLICY)]


def test_classes_come_before_application_time():
    log = Log().apply(1, "general", 0).apply(2, "priority", 5).apply(3, "extreme_poverty", 9)
    assert log.order() == [3, 2, 1]


def test_within_a_class_the_earlier_application_is_first():
    log = Log().apply(1, "priority", 8).apply(2, "priority", 2).apply(3, "priority", 5)
    assert log.order() == [2, 3, 1]


def test_equal_application_times_go_by_the_order_they_were_recorded():
    log = Log().apply(7, "general", 3).apply(4, "general", 3)
    assert log.order() == [7, 4]


def test_every_class_of_the_default_policy_has_its_place():
    log = Log()
    for i, code in enumerate(reversed([c.code for c in POLICY.classes])):
        log.apply(i + 1, code, i)
    assert log.order() == [4, 3, 2, 1]


def test_queue_numbers_are_consecutive_from_one():
    log = Log().apply(1, "general").apply(2, "general", 1).apply(3, "priority", 2)
    assert [e.position for e in compute_queue(log.events, POLICY)] == [1, 2, 3]


def test_the_same_events_in_any_storage_order_give_the_same_queue():
    log = Log()
    for app in range(1, 30):
        log.apply(app, random.Random(app).choice(["priority", "general", "other"]), app % 7)
    log.add("withdrawn", 5).add("offered", 2, due="2026-03-09").add("declined", 2)
    shuffled = list(log.events)
    random.Random(1).shuffle(shuffled)
    assert compute_queue(shuffled, POLICY) == compute_queue(log.events, POLICY)


def test_admitted_and_withdrawn_applicants_leave_the_queue():
    log = Log().apply(1, "general").apply(2, "general", 1).apply(3, "general", 2)
    log.add("offered", 1).add("accepted", 1).add("admitted", 1).add("withdrawn", 3)
    assert log.order() == [2]


def test_a_declined_offer_keeps_the_place_until_the_policy_limit():
    log = Log().apply(1, "general").apply(2, "general", 1)
    log.add("offered", 1).add("declined", 1)
    assert log.order() == [1, 2]
    log.add("offered", 1).add("lapsed", 1)
    assert log.order() == [2]
    assert replay(log.events, POLICY)[1].status == "removed"


def test_a_bed_goes_to_the_first_waiting_applicant_of_its_category():
    log = Log().apply(1, "priority", bed="nursing").apply(2, "general", 1, bed="general")
    log.apply(3, "general", 2, bed="nursing")
    queue = compute_queue(log.events, POLICY)
    assert first_waiting(queue, "general").application_id == 2
    assert first_waiting(queue, "nursing").application_id == 1
    log.add("offered", 1)
    assert first_waiting(compute_queue(log.events, POLICY), "nursing").application_id == 3


def test_an_event_that_cannot_follow_is_a_broken_log():
    with pytest.raises(BrokenLog):
        compute_queue(Log().apply(1, "general").add("accepted", 1).events, POLICY)
    with pytest.raises(BrokenLog):
        compute_queue(Log().add("withdrawn", 9).events, POLICY)


def test_an_unclassified_application_waits_unnumbered_after_the_classes():
    log = Log().add("applied", 1, 0, bed_category="nursing").apply(2, "other", 5)
    queue = compute_queue(log.events, POLICY)
    assert [(e.application_id, e.position) for e in queue] == [(2, 1), (1, None)]


def test_the_history_names_the_event_behind_every_move():
    log = Log().apply(1, "general").apply(2, "general", 1).apply(3, "priority", 2)
    log.add("withdrawn", 1)
    moves = position_history(log.events, POLICY, 2)
    assert [(m.event.kind, m.event.application_id, m.before, m.after) for m in moves] == [
        ("applied", 2, None, None), ("class_set", 2, None, 2),
        ("class_set", 3, 2, 3), ("withdrawn", 1, 3, 2)]


def test_the_explanation_counts_who_is_ahead_and_why():
    log = Log().apply(1, "priority").apply(2, "general", 1).apply(3, "general", 4)
    log.apply(4, "general", 4)
    got = explain(compute_queue(log.events, POLICY), 4, POLICY)
    assert got == {"position": 4, "higher_class": 1, "same_class_earlier": 1,
                   "same_time_recorded_earlier": 1}
