"""Cross-app reactions, after commit: one app emits an event, the apps that care react.

The emitter does not import the reacting app: assessments emits ``elder.level_changed`` and
the waitlist, which registered a handler from its ``AppConfig.ready``, re-classes the elder's
open applications. Handlers run after the emitting transaction commits
(``transaction.on_commit``), each in a transaction of its own, so a reaction never runs for a
change that was rolled back, and a failing reaction is logged without undoing the change.

Every event is declared here with its payload, so a misspelt name fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

EVENTS = {
    # emitted by assessments when a final assessment changed the elder's ability level
    "elder.level_changed": ("actor", "elder_id"),
}

_HANDLERS: dict[str, list[Callable[..., Any]]] = {}


def _declared(event: str) -> str:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; declare it in anlao/core/hooks.py")
    return event


def register(event: str, handler: Callable[..., Any]) -> None:
    """Call ``handler(**payload)`` after every commit that emitted ``event``."""
    handlers = _HANDLERS.setdefault(_declared(event), [])
    if handler not in handlers:
        handlers.append(handler)


def emit(event: str, **payload: Any) -> None:
    """Schedule every handler of ``event`` for after the current transaction commits (at once
    when there is none)."""
    if set(payload) != set(EVENTS[_declared(event)]):
        raise TypeError(f"{event} carries {EVENTS[event]}, not {tuple(payload)}")
    for handler in _HANDLERS.get(event, []):
        transaction.on_commit(_reaction(handler, payload), robust=True)


def _reaction(handler: Callable[..., Any], payload: dict[str, Any]) -> Callable[[], None]:
    def react() -> None:
        with transaction.atomic():
            handler(**payload)

    # Django logs a failing robust callback by this name
    react.__qualname__ = f"{handler.__module__}.{handler.__qualname__}"
    return react
