"""The area tree page: city administrators see the current tree and close an area that has
merged away (its history and every record that points at it stay)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas import services
from anlao.areas.models import AreaLevel
from anlao.areas.selectors import area_rows
from anlao.core.errors import ServiceError
from anlao.core.http import error_text, form_date, service_errors_as_http
from anlao.core.roles import has_perm


def _require_manage(request: HttpRequest) -> None:
    if not has_perm(request.user, "area.manage"):
        raise DjangoPermissionDenied


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    level = request.GET.get("level", "")
    level = level if level in AreaLevel.values else ""
    return render(request, "areas/list.html", {
        "nav": "areas", "rows": area_rows(actor=request.user, level=level or None),
        "level": level, "levels": AreaLevel.choices})


@login_required
@require_POST
def area_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    try:
        with service_errors_as_http():
            area = services.area_close(actor=request.user, area_id=pk,
                                       valid_to=form_date(request.POST.get("valid_to")))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(name)s is closed from %(date)s; its history stays.")
                         % {"name": area.name, "date": area.valid_to})
    return redirect("areas:list")
