"""Headers and records every response gets: Content-Security-Policy (Django 5.2 has no
built-in CSP), ``Cache-Control: no-store``, the access-log row of a refused attempt, and the
htmx login redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from anlao.core.audit import log_refusal


def _policy() -> str:
    tiles = ""
    if settings.MAP_TILE_URL:
        parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
        tiles = f" {parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}"
    return settings.CONTENT_SECURITY_POLICY.format(tiles=tiles)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = _policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class HtmxLoginRedirectMiddleware:
    """A polled fragment (the alarm queue refreshes every 15 s) must not swap the login page
    into the list when the session has expired: for htmx requests of a signed-out user, turn
    the redirect into ``HX-Redirect`` so the whole page goes to the login form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (response.status_code == 302 and request.headers.get("HX-Request")
                and not (user is not None and user.is_authenticated)):
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = response["Location"]
            return redirect
        return response


class NoStoreMiddleware:
    """Pages, API answers and downloads carry personal data (names, masked IDs, addresses):
    no browser or proxy keeps them, unless a view set its own ``Cache-Control``. Static files
    are served before this runs (WhiteNoise) and keep their caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class RefusalLogMiddleware:
    """A signed-in user (or API token) refused a page or an endpoint — 403, or 404 on a path
    that names a view (another district's elder answers 404 like a missing one) — leaves an
    access-log row: who tried which view, on which record, from where."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            match = getattr(request, "resolver_match", None)
            actor = _actor(request)
            if actor is not None and (match is not None or response.status_code == 403):
                log_refusal(actor=actor, view=match.view_name if match else "",
                            kwargs=match.kwargs if match else {},
                            status=response.status_code, method=request.method or "",
                            path=request.get_full_path(), ip=request.META.get("REMOTE_ADDR"))
        return response


def _actor(request: HttpRequest) -> Any:
    for candidate in (getattr(request, "user", None), getattr(request, "auth", None)):
        if getattr(candidate, "is_authenticated", False) and getattr(candidate, "pk", None):
            return candidate
    return None
