"""Domain errors raised by services; views and the API turn them into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule was broken. ``code`` is stable for the API; ``message`` is for people."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionDenied(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    """The record changed under the caller (or a duplicate exists): the API answers 409."""

    code = "conflict"


class NotFound(ServiceError):
    """Also raised for records outside the actor's jurisdiction, so existence does not leak."""

    code = "not_found"


class ValidationFailed(ServiceError):
    """Several field errors at once: ``errors`` maps field → list of messages."""

    code = "validation_error"

    def __init__(self, errors: dict[str, list[str]]):
        first = next(iter(errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}", field=first[0])
        self.errors = errors
