"""Turning service errors into HTTP answers, the same way in every view.

``NotFound`` (also raised for records outside the actor's scope) becomes a 404 and
``PermissionDenied`` a 403; other ``ServiceError``s are left to the view to show as a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed


@contextmanager
def service_errors_as_http() -> Iterator[None]:
    try:
        yield
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc


def error_text(exc: ServiceError) -> str:
    """One line for a message banner: every field message of a ValidationFailed, joined."""
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


def form_date(value: str | None) -> dt.date | None:
    """A date typed in a form (ISO, as ``<input type=date>`` sends it), or None."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
