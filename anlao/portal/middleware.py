"""Family members signed in on the portal stay on the portal: the staff pages are not theirs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from anlao.core.roles import Role

ALLOWED = ("/portal/", "/static/", "/i18n/")


class FamilyOnPortalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "role", "") == Role.FAMILY
                and not request.path.startswith(ALLOWED)):
            return redirect("portal:elders")
        return self.get_response(request)
