"""The family portal: sign in with a code, see the elder's services, order, rate."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlao.core.api_support import client_ip
from anlao.core.errors import NotFound, ServiceError
from anlao.core.form_errors import service_error_onto
from anlao.core.periods import month_start
from anlao.core.roles import has_perm
from anlao.portal import selectors, services
from anlao.portal.forms import CodeForm, PhoneForm


def _family(request: HttpRequest) -> None:
    if not has_perm(request.user, "portal.use"):
        raise DjangoPermissionDenied


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and has_perm(request.user, "portal.use"):
        return redirect("portal:elders")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_request_code(phone=form.cleaned_data["phone"],
                                         ip=client_ip(request))
        except ServiceError as exc:
            service_error_onto(form, exc)
        else:
            phone = services.clean_phone(form.cleaned_data["phone"])
            return redirect(f"{reverse('portal:code')}?phone={phone}")
    return render(request, "portal/start.html", {"form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None,
                    initial={"phone": request.GET.get("phone", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.portal_verify_code(phone=form.cleaned_data["phone"],
                                               code=form.cleaned_data["code"],
                                               ip=client_ip(request))
        except ServiceError as exc:
            service_error_onto(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:elders")
    phone = (form.data.get("phone") if form.is_bound else request.GET.get("phone")) or ""
    return render(request, "portal/code.html",
                  {"form": form, "phone_tail": phone[-4:],
                   "show_outbox": settings.PORTAL_SHOW_OUTBOX},
                  status=400 if form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:start")


@login_required(login_url="portal:start")
def elders(request: HttpRequest) -> HttpResponse:
    _family(request)
    rows = list(selectors.family_elders(actor=request.user))
    if len(rows) == 1:
        return redirect("portal:elder", rows[0].pk)
    return render(request, "portal/elders.html", {"elders": rows})


@login_required(login_url="portal:start")
def elder(request: HttpRequest, pk: int) -> HttpResponse:
    _family(request)
    try:
        person = selectors.family_elder(actor=request.user, elder_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "elder": person,
        "upcoming": selectors.upcoming_orders(person),
        "recent": selectors.recent_visits(person),
        "applications": selectors.waitlist_applications(person),
        "several": selectors.family_elders(actor=request.user).count() > 1,
        "HOTLINE": settings.PORTAL_HOTLINE,
        "order_url": reverse("portal:order", args=[person.pk]),
    }
    context.update(_credit_context(person))
    return render(request, "portal/elder.html", context)


def _credit_context(person) -> dict:
    """This month's service credit available to new orders and held by accepted ones, in yuan:
    the same figures as the staff's credit page."""
    from anlao.credit.selectors import available, reserved

    month = month_start(timezone.localdate())
    left, held = available(person.pk, month, ""), reserved(person.pk, month)
    return {"credit_left": left, "credit_yuan": f"{left / 100:,.2f}",
            "credit_held": held, "credit_held_yuan": f"{held / 100:,.2f}"}


def outbox(request: HttpRequest) -> HttpResponse:
    """Demo only: the text messages a gateway would have sent (codes to sign in)."""
    if not settings.PORTAL_SHOW_OUTBOX:
        raise Http404
    messages.info(request, _("Demo: these messages would be sent as text messages."))
    return render(request, "portal/outbox.html", {"rows": services.outbox_for_demo()})
