"""The home-care landing page: what each role needs first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anlao.core.roles import Role, has_perm
from anlao.homecare.orders.views import order_list_context


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Area staff and the hotline: their area's orders and the order forms; provider managers:
    their orders and the dispatch page; caregivers: their route."""
    user = request.user
    if not has_perm(user, "homecare.view"):
        raise DjangoPermissionDenied
    ctx = {"nav": "homecare", "is_caregiver": user.role == Role.CAREGIVER}
    if not ctx["is_caregiver"]:
        ctx.update(order_list_context(request))
    return render(request, "homecare/index.html", ctx)
