"""Registry pages: list, detail with history, create and edit, reveal, status, contacts.

Views parse input, call one selector or service, and render. Out-of-scope records answer 404
(``NotFound`` from the selector), missing permission 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.masking import mask_address
from anlao.core.roles import has_perm
from anlao.people import services
from anlao.people.forms import (
    ContactForm,
    ElderFilterForm,
    ElderForm,
    StatusForm,
    mark_invalid,
)
from anlao.people.history import elder_history
from anlao.people.households import household_leave, household_link, household_members
from anlao.people.models import CATEGORY_LABELS, Elder, ElderStatus
from anlao.people.selectors import elder_get, elders_for

REVEAL_LABELS = {"id_number": gettext_lazy("ID number"), "phone": gettext_lazy("Phone"),
                 "address": gettext_lazy("Address")}


def _elder_or_404(request: HttpRequest, pk: int) -> Elder:
    try:
        return elder_get(actor=request.user, elder_id=pk)
    except NotFound as exc:
        raise Http404(_("No such elder.")) from exc


def _require_write(request: HttpRequest) -> None:
    if not has_perm(request.user, "elder.write"):
        raise DjangoPermissionDenied


def _is_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def _row(elder: Elder, today: Any) -> dict[str, Any]:
    area = elder.residence_area
    return {
        "elder": elder,
        "age": elder.age_on(today),
        "community": area.name,
        "street": area.parent.name if area.parent_id else "",
        "categories": [CATEGORY_LABELS[c] for c in elder.categories],
    }


# --- list --------------------------------------------------------------------------------

@login_required
def elder_list(request: HttpRequest) -> HttpResponse:
    form = ElderFilterForm(request.GET, actor=request.user)
    filters = form.filters()
    paginator = Paginator(elders_for(actor=request.user, filters=filters), settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))  # one COUNT, then one page query
    today = timezone.localdate()
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "nav": "elders",
        "form": form,
        "page": page,
        "rows": [_row(e, today) for e in page.object_list],
        "querystring": urlencode(params),
        "filtered": bool(params),
        "show_status": filters.status != "active",
        "partial": _is_partial(request),
    }
    if context["partial"]:
        # The street may have changed: the community select comes along, swapped out of band.
        form.fields["community"].widget.attrs["hx-swap-oob"] = "true"
    template = "people/_elder_results.html" if context["partial"] else "people/elder_list.html"
    response = render(request, template, context)
    if context["partial"]:
        # The address bar gets the filters that matter, not every empty field of the form.
        kept = {k: v for k, v in request.GET.items()
                if v and (k, v) != ("status", ElderStatus.ACTIVE)}
        response["HX-Push-Url"] = request.path + (f"?{urlencode(kept)}" if kept else "")
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- detail ------------------------------------------------------------------------------

def _detail_context(request: HttpRequest, elder: Elder, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    links = elder.service_links.select_related("organisation").order_by("-start_date")
    context = {
        "nav": "elders",
        "elder": elder,
        "row": _row(elder, today),
        "masked_address": mask_address(elder.address),
        "contacts": list(elder.contacts.all()),
        "absences": list(elder.absences.all()[:10]),
        "service_links": list(links),
        "household_members": [_row(m, today) for m in
                              household_members(actor=request.user, elder=elder)[:20]],
        "history": elder_history(actor=request.user, elder_id=elder.pk),
        "contact_form": ContactForm(),
        "today": today,
    }
    context.update(extra)
    return context


@login_required
def elder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    return render(request, "people/elder_detail.html", _detail_context(request, elder))


# --- create and edit ---------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def elder_create(request: HttpRequest) -> HttpResponse:
    _require_write(request)
    form = ElderForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            elder = services.elder_create(actor=request.user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": elder.name})
            return redirect("people:detail", pk=elder.pk)
    return _render_form(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def elder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)  # 404 before 403: existence does not leak
    _require_write(request)
    form = ElderForm(request.POST or None, actor=request.user,
                     initial=ElderForm.initial_for(elder), elder=elder)
    if request.method == "POST" and form.is_valid():
        try:
            services.elder_update(actor=request.user, elder_id=elder.pk,
                                  data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=elder.pk)
    return _render_form(request, form, elder)


def _render_form(request: HttpRequest, form: ElderForm, elder: Elder | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    mark_invalid(form)
    return render(request, "people/elder_form.html",
                  {"nav": "elders", "form": form, "elder": elder}, status=status)


# --- reveal ------------------------------------------------------------------------------

@login_required
@require_POST
def elder_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal one masked value of the elder, or a contact's phone (field ``contact-<id>``)."""
    elder = _elder_or_404(request, pk)
    field = request.POST.get("field", "")
    reason, ip = request.POST.get("reason", ""), request.META.get("REMOTE_ADDR")
    note = request.POST.get("note", "")
    masked = {"id_number": elder.masked_id_number, "phone": elder.masked_phone,
              "address": mask_address(elder.address)}
    contact = _contact_of(elder, field)
    context = {"elder": elder, "field": field, "reason": reason, "note": note,
               "masked": contact.masked_phone if contact else masked.get(field, ""),
               "label": contact.name if contact else REVEAL_LABELS.get(field, field)}
    try:
        if contact is not None:
            value = services.contact_reveal(actor=request.user, elder_id=elder.pk,
                                            contact_id=contact.pk, reason=reason, note=note,
                                            ip=ip)
        else:
            value = services.elder_reveal(actor=request.user, elder_id=elder.pk, field=field,
                                          reason=reason, note=note, ip=ip)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except ServiceError as exc:
        context["error"] = exc.message
        # htmx swaps only 2xx answers by default: the form comes back with its message.
        status = 200 if _is_partial(request) else 400
        return render(request, _reveal_template(request), context, status=status)
    context["value"] = value
    return render(request, _reveal_template(request), context)


def _contact_of(elder: Any, field: str) -> Any:
    """The elder's contact named by a ``contact-<id>`` field, or None; unknown ids → 404."""
    if not field.startswith("contact-"):
        return None
    contact_id = field.removeprefix("contact-")
    contact = elder.contacts.filter(pk=int(contact_id)).first() if contact_id.isdigit() else None
    if contact is None:
        raise Http404
    return contact


def _reveal_template(request: HttpRequest) -> str:
    return "people/_reveal.html" if _is_partial(request) else "people/elder_reveal.html"


# --- status ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def elder_status(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    form = StatusForm(request.POST or None, elder=elder)
    if request.method == "POST" and form.is_valid():
        try:
            services.elder_set_status(actor=request.user, elder_id=elder.pk,
                                      status=form.cleaned_data["status"],
                                      on=form.cleaned_data["status_date"],
                                      note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            for name, msgs in exc.errors.items():
                form.add_error(name if name in form.fields else None, msgs)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Status changed."))
            return redirect("people:detail", pk=elder.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "people/elder_status.html",
                  {"nav": "elders", "elder": elder, "form": form}, status=status)


# --- contacts ----------------------------------------------------------------------------

@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(actor=request.user, elder_id=elder.pk, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Contact added."))
            return redirect(reverse("people:detail", args=[elder.pk]) + "#contacts")
    context = _detail_context(request, elder, contact_form=form, contact_form_open=True)
    return render(request, "people/elder_detail.html", context, status=400)


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    try:
        services.contact_remove(actor=request.user, elder_id=elder.pk, contact_id=cid)
    except ServiceError as exc:
        raise Http404 from exc
    messages.success(request, _("Contact removed."))
    return redirect(reverse("people:detail", args=[elder.pk]) + "#contacts")


# --- household ---------------------------------------------------------------------------

@login_required
@require_POST
def household_add(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    try:
        household_link(actor=request.user, elder_id=elder.pk,
                       other_id_number=request.POST.get("id_number", ""))
    except ServiceError as exc:
        context = _detail_context(request, elder, household_error=exc.message)
        return render(request, "people/elder_detail.html", context, status=400)
    messages.success(request, _("Household updated."))
    return redirect(reverse("people:detail", args=[elder.pk]) + "#household")


@login_required
@require_POST
def household_remove(request: HttpRequest, pk: int) -> HttpResponse:
    elder = _elder_or_404(request, pk)
    _require_write(request)
    try:
        household_leave(actor=request.user, elder_id=elder.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Household updated."))
    return redirect(reverse("people:detail", args=[elder.pk]) + "#household")
