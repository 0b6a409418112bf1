"""Families order a service and cancel one that has not started (home-care services do the
work: the same contract, credit and co-pay rules as for staff, channel ``portal``)."""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.form_errors import service_error_onto
from anlao.core.http import error_text
from anlao.homecare.catalog import selectors as hc
from anlao.homecare.orders import services as order_services
from anlao.portal.selectors import family_elder
from anlao.portal.views import _family

WINDOWS = [("08:00-10:00", "08:00–10:00"), ("10:00-12:00", "10:00–12:00"),
           ("14:00-16:00", "14:00–16:00"), ("16:00-18:00", "16:00–18:00")]


def orderable_items(elder, day: dt.date) -> list:
    """Active catalog items some contract covers in the elder's street on ``day``."""
    street = hc.street_of(elder.residence_area)
    return [item for item in hc.items_active()
            if hc.contract_items_for(street, item, day).exists()]


class OrderForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("Service"))
    date = forms.DateField(label=gettext_lazy("Date"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    window = forms.ChoiceField(label=gettext_lazy("Time"), choices=WINDOWS)
    note = forms.CharField(label=gettext_lazy("Note for the caregiver"), required=False,
                           max_length=200)
    token = forms.CharField(widget=forms.HiddenInput)  # one order however often it is sent

    def __init__(self, *args, items: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (str(i.pk), f"{i.name}（{i.get_category_display()}）") for i in items]


def _place(request: HttpRequest, elder, form: OrderForm) -> bool:
    start, end = (dt.time.fromisoformat(t) for t in form.cleaned_data["window"].split("-"))
    try:
        order_services.order_create(
            actor=request.user, elder=elder, item=form.cleaned_data["item"],
            date=form.cleaned_data["date"], window_start=start, window_end=end,
            channel="portal", note=form.cleaned_data["note"],
            idempotency_key=f"portal-{form.cleaned_data['token']}")
    except ServiceError as exc:
        if isinstance(exc, ValidationFailed) and "window_start" in exc.errors:
            exc.errors["window"] = exc.errors.pop("window_start")
        service_error_onto(form, exc)
        return False
    return True


@login_required(login_url="portal:start")
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    _family(request)
    try:
        elder = family_elder(actor=request.user, elder_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    items = orderable_items(elder, tomorrow)
    form = OrderForm(request.POST or None, items=items,
                     initial={"date": tomorrow, "token": secrets.token_hex(8)})
    if request.method == "POST" and form.is_valid() and _place(request, elder, form):
        messages.success(request, _("The service is booked. The provider will plan the "
                                    "caregiver's visit."))
        return redirect("portal:elder", elder.pk)
    return render(request, "portal/order.html", {"elder": elder, "form": form, "items": items},
                  status=400 if form.errors else 200)


@login_required(login_url="portal:start")
@require_POST
def order_cancel(request: HttpRequest, pk: int, order_id: int) -> HttpResponse:
    _family(request)
    try:
        elder = family_elder(actor=request.user, elder_id=pk)
        order_services.order_cancel(actor=request.user, order_id=order_id,
                                    reason=_("cancelled by the family"))
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The service is cancelled."))
    return redirect("portal:elder", elder.pk)


@login_required(login_url="portal:start")
@require_POST
def visit_rate(request: HttpRequest, pk: int, visit_id: int) -> HttpResponse:
    from anlao.portal.services import portal_rate_visit

    _family(request)
    try:
        elder = family_elder(actor=request.user, elder_id=pk)
        portal_rate_visit(actor=request.user, visit_id=visit_id,
                          rating=request.POST.get("rating"), comment=request.POST.get("comment"))
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Thank you: the rating goes to the provider's record."))
    return redirect("portal:elder", elder.pk)
