"""Recording a hospital stay (or other absence) on the elder's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.core.errors import NotFound, ServiceError
from anlao.core.http import error_text
from anlao.core.http import form_date as _date
from anlao.people.absences import absence_end, absence_record
from anlao.people.views import _elder_or_404, _require_write


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("people:detail", args=[pk]) + "#absences")


@login_required
@require_POST
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    try:
        absence_record(actor=request.user, elder_id=elder.pk,
                       kind=request.POST.get("kind", "hospital"),
                       start=_date(request.POST.get("start")),
                       end=_date(request.POST.get("end")), note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Absence recorded: home-care visits in that time will be "
                                    "flagged."))
    return _back(elder.pk)


@login_required
@require_POST
def absence_close(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    try:
        absence_end(actor=request.user, elder_id=elder.pk, absence_id=aid,
                    end=_date(request.POST.get("end")) or timezone.localdate())
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Recorded as back home."))
    return _back(elder.pk)
