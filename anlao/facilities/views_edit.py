"""Creating and editing a facility's record (rooms and residents are on the detail page).

Out-of-scope facilities answer 404 before the permission is checked, so a refusal does not tell
whether the facility exists; missing ``facility.write`` answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.roles import has_perm
from anlao.facilities import selectors, services
from anlao.facilities.forms import FacilityForm
from anlao.facilities.models import Facility
from anlao.people.forms import mark_invalid


def _require_write(request: HttpRequest) -> None:
    if not has_perm(request.user, "facility.write"):
        raise DjangoPermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request: HttpRequest) -> HttpResponse:
    _require_write(request)
    form = FacilityForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(actor=request.user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        else:
            messages.success(request, _("%(name)s is recorded. Add its rooms and beds below.")
                             % {"name": facility.name})
            return redirect("facilities:detail", pk=facility.pk)
    return _render_form(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        facility = selectors.facility_get(actor=request.user, facility_id=pk)
    except NotFound as exc:
        raise Http404(_("No such facility.")) from exc
    _require_write(request)
    form = FacilityForm(request.POST or None, actor=request.user, facility=facility,
                        initial=FacilityForm.initial_for(facility))
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_update(actor=request.user, facility_id=facility.pk,
                                     data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        except NotFound as exc:
            raise Http404(_("No such facility.")) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        else:
            messages.success(request, _("Changes saved."))
            return redirect("facilities:detail", pk=facility.pk)
    return _render_form(request, form, facility)


def _render_form(request: HttpRequest, form: FacilityForm,
                 facility: Facility | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    mark_invalid(form)
    return render(request, "facilities/facility_form.html",
                  {"nav": "facilities", "form": form, "facility": facility}, status=status)
