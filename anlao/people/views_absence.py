"""Recording a hospital stay (or other absence) on the elder's page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.people.absences import absence_end, absence_record
from anlao.people.views import _elder_or_404, _require_write


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("people:detail", args=[pk]) + "#absences")


def _say(request: HttpRequest, exc: ServiceError) -> None:
    msgs = [m for ms in exc.errors.values() for m in ms] if isinstance(exc, ValidationFailed) \
        else [exc.message]
    messages.error(request, " ".join(msgs))


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
        _say(request, exc)
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
        _say(request, exc)
    else:
        messages.success(request, _("Recorded as back home."))
    return _back(elder.pk)
