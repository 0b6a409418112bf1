"""What every API router shares: authentication, the JSON error shape, and paging.

Every error the API returns, whatever raised it, has one shape::

    {"code": "not_found", "message": "…", "field": null, "errors": null}

``code`` is stable for programs; ``message`` follows the request language (LocaleMiddleware);
``field`` names the first offending input and ``errors`` maps every offending input to its
messages.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf
from pydantic import Field

from anlao.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_PAGE_SIZE = 200


# --- authentication -------------------------------------------------------------------------

# raw token → its user, or None; given by the accounts app (AccountsConfig.ready)
_token_user: Callable[[str], Any] | None = None


def set_token_authenticator(authenticate: Callable[[str], Any]) -> None:
    """Name the function that turns a raw bearer token into its user (or None)."""
    global _token_user
    _token_user = authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer anl_…`` — a per-user token (see accounts/tokens.py)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_user(token.strip()) if _token_user is not None else None
        if user is None:
            # Raising (rather than returning None) stops a bad token from falling through to
            # the session: a client that sends a token means that token.
            raise AuthenticationError()
        request.user = user
        return user


# The browser session, with Django's CSRF check on unsafe methods.
API_AUTH = [TokenAuth(), SessionAuth()]


# --- the error shape ------------------------------------------------------------------------

class ErrorOut(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found`.")
    message: str = Field(description="Human-readable message in the request language.")
    field: str | None = Field(None, description="The first offending input, if any.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Every offending input → its messages (validation errors only)."
    )


# Every operation documents these (each in the one shape); 500 is left out on purpose.
ERROR_RESPONSES: dict[int, Any] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}


def error_response(status: int, code: str, message: str, *, field: str | None = None,
                   errors: dict[str, list[str]] | None = None) -> JsonResponse:
    body = {"code": code, "message": message, "field": field, "errors": errors}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _status_message(status: int) -> tuple[str, str]:
    messages = {
        400: ("bad_request", _("The request could not be read (is the body valid JSON?).")),
        401: ("unauthorized", _("Sign in or send a valid API token.")),
        403: ("forbidden", _("You are not allowed to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        429: ("throttled", _("Too many requests; try again later.")),
        500: ("server_error", _("Something went wrong on our side; it has been logged.")),
    }
    return messages.get(status, ("error", _("The request failed.")))


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _status_message(exc.status_code)
    if exc.status_code == 403 and "CSRF" in str(exc):
        code, message = "csrf_failed", _("The CSRF check failed; reload the page and retry.")
    return error_response(exc.status_code, code, message)


def _on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if isinstance(exc, NotFound) or exc.code == "not_found":
        return error_response(404, "not_found", _("Not found."))
    if isinstance(exc, PermissionDenied):
        return error_response(403, exc.code, exc.message)
    if isinstance(exc, Conflict):
        return error_response(409, exc.code, exc.message, field=exc.field)
    if isinstance(exc, ValidationFailed):
        return error_response(422, exc.code, exc.message, field=exc.field, errors=exc.errors)
    errors = {exc.field: [exc.message]} if exc.field else None
    return error_response(422, exc.code, exc.message, field=exc.field, errors=errors)


def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A body too large, too many fields, a bad header: Django would answer an HTML 400."""
    code, message = _status_message(400)
    return error_response(400, code, message)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered in the one shape, with no detail leaked."""
    log.exception("API error on %s %s", request.method, request.path)
    code, message = _status_message(500)
    return error_response(500, code, message)


# --- validation errors from request parsing (pydantic) --------------------------------------

def _pydantic_message(error: dict[str, Any]) -> str:
    """Pydantic's messages are English only; the common ones get translatable text."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Must be a whole number.")
    if kind.startswith("date"):
        return _("Not a valid date (use YYYY-MM-DD).")
    if kind in ("enum", "literal_error"):
        # pydantic joins the choices with an English "or"; a plain list reads in any language
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Must be one of: %(expected)s") % {"expected": expected}
    if kind == "string_too_long":
        return _("Too long (at most %(n)s characters).") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Too short (at least %(n)s characters).") % {"n": ctx.get("min_length")}
    if kind == "less_than_equal":
        return _("Must be at most %(n)s.") % {"n": ctx.get("le")}
    if kind == "greater_than_equal":
        return _("Must be at least %(n)s.") % {"n": ctx.get("ge")}
    if kind in ("bool_parsing", "bool_type"):
        return _("Must be true or false.")
    if kind in ("float_parsing", "float_type"):
        return _("Must be a number.")
    if kind in ("string_type", "model_type", "dict_type"):
        return _("Has the wrong type.")
    return str(error.get("msg", _("Invalid value.")))


def _field_name(loc: tuple | list) -> str:
    """``("body", "payload", "name")`` → ``name``; ``("query", "page_size")`` → ``page_size``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body" and len(parts) > 2:
        parts = parts[2:]  # drop the source and the view's parameter name
    elif parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    first = next(iter(errors), None)
    message = f"{first}: {errors[first][0]}" if first else _("Invalid input.")
    return error_response(422, "validation_error", message, field=first, errors=errors)


# --- the API class --------------------------------------------------------------------------

def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with a plain-text 405; give it the JSON error shape."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            code, message = _status_message(405)
            json = error_response(405, code, message)
            json["Allow"] = response.get("Allow", "")
            return json
        return response
    return wrapper


@csrf_exempt
def _api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """No operation matches (an unknown path, or ``/elders/abc``): a JSON 404.

    CSRF-exempt, so Django's HTML CSRF page never answers under /api/: a token needs no CSRF
    token, and a signed-in browser's unsafe request without one gets the JSON 403 that a
    matching operation would give.
    """
    unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
    session = "HTTP_AUTHORIZATION" not in request.META and request.user.is_authenticated
    if unsafe and session and check_csrf(request) is not None:
        return error_response(403, "csrf_failed",
                              _("The CSRF check failed; reload the page and retry."))
    code, message = _status_message(404)
    return error_response(404, code, message)


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 Chinese as it is, not ``\\u5317``: readable in a terminal, and smaller."""

    json_dumps_params = {"ensure_ascii": False}


class AnlaoAPI(NinjaAPI):
    """NinjaAPI whose every answer, including unknown paths and wrong methods, is JSON."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(auth=API_AUTH, renderer=ReadableJSONRenderer(), **kwargs)
        self.add_exception_handler(HttpError, _on_http_error)
        self.add_exception_handler(ServiceError, _on_service_error)
        self.add_exception_handler(Http404, _on_404)
        self.add_exception_handler(ValidationError, _on_validation_error)
        self.add_exception_handler(SuspiciousOperation, _on_suspicious)
        self.add_exception_handler(Exception, _on_unexpected)

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_405(pattern.callback)
        urls.append(path("<path:rest>", _api_not_found))
        return urls


# --- paging ---------------------------------------------------------------------------------

class PageParams(Schema):
    page: int = Field(1, ge=1, description="1-based page number.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE,
                           description=f"Rows per page, at most {MAX_PAGE_SIZE}.")


class Page(Schema, Generic[T]):
    count: int = Field(description="Rows matching the filters, on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (0 when nothing matches).")
    results: list[T]


def paginate(qs: QuerySet, params: PageParams, shape: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of ``qs`` with its total; pages past the end are empty, not errors."""
    count = qs.count()
    start = (params.page - 1) * params.page_size
    rows = list(qs[start:start + params.page_size]) if start < count else []
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": math.ceil(count / params.page_size),
        "results": [shape(row) for row in rows],
    }


def client_ip(request: HttpRequest) -> str | None:
    """The peer address (a reverse proxy must set REMOTE_ADDR; we do not trust X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") or None
