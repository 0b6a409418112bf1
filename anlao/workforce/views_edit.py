"""Editing a caregiver's basic record (name, phone, area, active). Recording one is on the list.

Out-of-scope caregivers answer 404 before the permission is checked, so a refusal does not tell
whether the record exists; missing ``workforce.write`` answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.http import service_errors_as_http
from anlao.core.masking import mask_id_number
from anlao.core.roles import has_perm
from anlao.people.forms import mark_invalid
from anlao.workforce import selectors, services
from anlao.workforce.forms import CaregiverForm


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = selectors.caregiver_get(actor=request.user, caregiver_id=pk)
    except NotFound as exc:
        raise Http404(_("No such caregiver.")) from exc
    if not has_perm(request.user, "workforce.write"):
        raise DjangoPermissionDenied
    form = CaregiverForm(request.POST or None, actor=request.user, caregiver=c,
                         initial=CaregiverForm.initial_for(c))
    if request.method == "POST" and form.is_valid():
        try:
            with service_errors_as_http():
                services.caregiver_update(actor=request.user, caregiver_id=c.pk,
                                          **form.service_args())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("workforce:caregiver", pk=c.pk)
    status = 400 if form.is_bound and form.errors else 200
    mark_invalid(form)
    return render(request, "workforce/caregiver_form.html", {
        "nav": "workforce", "form": form, "c": c, "id": mask_id_number(c.id_number)},
        status=status)
