"""Putting a service's errors onto a Django form, the one way every form does it."""

from __future__ import annotations

from django import forms

from anlao.core.errors import ServiceError, ValidationFailed


def errors_onto(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Field messages onto their fields; a key the form has no field for becomes form-wide."""
    for name, messages in errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def service_error_onto(form: forms.Form, exc: ServiceError) -> None:
    """A ValidationFailed's field errors, or any other service error as a form-wide one."""
    if isinstance(exc, ValidationFailed):
        errors_onto(form, exc.errors)
    else:
        form.add_error(None, exc.message)


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        errors_onto(self, errors)  # type: ignore[arg-type]
