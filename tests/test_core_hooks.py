"""Cross-app reactions run after commit, never for a rolled-back change, each on its own."""

from __future__ import annotations

import pytest
from django.db import transaction

from anlao.core import hooks

SEEN: list[dict] = []


def _note(**payload) -> None:
    SEEN.append(payload)


def _fail(**payload) -> None:
    raise RuntimeError("the reaction broke")


@pytest.fixture
def handlers(monkeypatch):
    monkeypatch.setattr(hooks, "_HANDLERS", {})
    SEEN.clear()
    hooks.register("elder.level_changed", _note)
    hooks.register("elder.level_changed", _note)  # registering twice reacts once


@pytest.mark.django_db
def test_a_handler_runs_only_after_the_commit(handlers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hooks.emit("elder.level_changed", actor=None, elder_id=7)
        assert SEEN == []  # not inside the emitting transaction
    assert SEEN == [{"actor": None, "elder_id": 7}]


@pytest.mark.django_db
def test_a_rolled_back_change_has_no_reaction(handlers, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        hooks.emit("elder.level_changed", actor=None, elder_id=7)
        raise RuntimeError("the change failed")
    assert SEEN == []


@pytest.mark.django_db
def test_a_failing_reaction_does_not_stop_the_others(handlers, django_capture_on_commit_callbacks):
    hooks._HANDLERS["elder.level_changed"].insert(0, _fail)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.emit("elder.level_changed", actor=None, elder_id=7)
    assert SEEN == [{"actor": None, "elder_id": 7}]


def test_events_and_payloads_are_declared(handlers):
    with pytest.raises(ValueError, match="unknown event"):
        hooks.register("elder.levle_changed", _note)
    with pytest.raises(TypeError, match="carries"):
        hooks.emit("elder.level_changed", elder_id=7)


def test_the_waitlist_reacts_to_a_new_level():
    from anlao.waitlist.services import waitlist_reclassify_elder

    assert waitlist_reclassify_elder in hooks._HANDLERS["elder.level_changed"]
