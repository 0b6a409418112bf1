"""Order pages: the list (with filters, paging and Excel), the new-order and care-plan forms,
one order (with cancel), and an elder's credit ledger. Views parse, call one service or
selector, and render."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anlao.areas.selectors import streets_for
from anlao.core import xlsx
from anlao.core.errors import ServiceError, ValidationFailed
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.http import form_date as _date
from anlao.core.roles import has_perm
from anlao.credit import selectors as credit
from anlao.credit.models import CreditKind
from anlao.homecare.catalog import selectors as catalog_selectors
from anlao.homecare.models import VISIT_CREDIT_SOURCE, Category, Channel, OrderState
from anlao.homecare.orders import selectors, services
from anlao.homecare.orders.export import orders_export
from anlao.people.selectors import ElderFilters, elders_for

PER_PAGE = 50
WEEKDAYS = [(0, gettext_lazy("Mon")), (1, gettext_lazy("Tue")), (2, gettext_lazy("Wed")),
            (3, gettext_lazy("Thu")), (4, gettext_lazy("Fri")), (5, gettext_lazy("Sat")),
            (6, gettext_lazy("Sun"))]


def _time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat((value or "").strip())
    except ValueError:
        return None


def order_filters(request: HttpRequest) -> selectors.OrderFilters:
    g = request.GET
    state = g.get("state", "")
    category = g.get("category", "")
    return selectors.OrderFilters(
        date_from=_date(g.get("date_from")), date_to=_date(g.get("date_to")),
        state=state if state in OrderState.values else "",
        category=category if category in Category.values else "",
        street=g.get("street", "")[:12])


def order_list_context(request: HttpRequest) -> dict[str, Any]:
    """The filtered, paged order list (the index page shows it)."""
    f = order_filters(request)
    page = Paginator(selectors.orders_for(actor=request.user, filters=f), PER_PAGE).get_page(
        request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return {"page": page, "f": f, "querystring": urlencode(params), "filtered": bool(params),
            "states": OrderState.choices, "categories": Category.choices,
            "streets": ([] if selectors.is_partner(actor=request.user)
                        else streets_for(actor=request.user))}


@login_required
@require_GET
def order_export(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "homecare.view"):
        raise DjangoPermissionDenied
    content = orders_export(actor=request.user, filters=order_filters(request))
    response = HttpResponse(content, content_type=xlsx.XLSX)
    response["Content-Disposition"] = 'attachment; filename="homecare-orders.xlsx"'
    return response


def _elder_choices(request: HttpRequest, q: str) -> list[Any]:
    if not q.strip():
        return []
    return list(elders_for(actor=request.user, filters=ElderFilters(q=q))[:20])


def _form_context(request: HttpRequest, data: Any, errors: dict[str, list[str]],
                  mode: str) -> dict[str, Any]:
    q = data.get("q", "")
    elder_id = data.get("elder", "")
    chosen = None
    if elder_id:
        try:
            chosen = selectors.orderable_elder(actor=request.user, elder_id=elder_id)
        except ServiceError:
            errors.setdefault("elder", [_("Choose an elder from the search results.")])
    today = timezone.localdate()
    return {"nav": "homecare", "mode": mode, "q": q, "data": data, "errors": errors,
            "elders": _elder_choices(request, q) if not chosen else [], "chosen": chosen,
            "items": catalog_selectors.items_active(), "weekdays": WEEKDAYS,
            "channels": [c for c in Channel.choices
                         if c[0] in (Channel.COMMUNITY, Channel.HOTLINE, Channel.PORTAL)],
            # a fresh key per form: a double-clicked submit makes one order, not two
            "key": data.get("key") or secrets.token_urlsafe(12),
            "channel": data.get("channel") or (Channel.HOTLINE if request.user.role ==
                                               "hotline_operator" else Channel.COMMUNITY),
            "today": today, "balance": credit.available(chosen.pk, today, "") if chosen
            else None}


def _order_args(request: HttpRequest) -> dict[str, Any]:
    p = request.POST
    return {"elder": p.get("elder", ""), "item": p.get("item", ""),
            "window_start": _time(p.get("window_start")),
            "window_end": _time(p.get("window_end")), "channel": p.get("channel", "community")}


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "order.create"):
        raise DjangoPermissionDenied
    errors: dict[str, list[str]] = {}
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            with service_errors_as_http():
                order = services.order_create(actor=request.user, date=_date(data.get("date")),
                                            note=data.get("note", ""),
                                            idempotency_key=data.get("key", ""),
                                            confirm_duplicate=data.get("confirm_duplicate") == "1",
                                            **_order_args(request))
        except ValidationFailed as exc:
            errors = exc.errors
        except ServiceError as exc:
            errors = {exc.field or "general": [exc.message]}
        else:
            messages.success(request, _("Order accepted: %(item)s on %(date)s, %(provider)s.")
                             % {"item": order.item.name, "date": order.date,
                                "provider": order.provider.name})
            return redirect("homecare:order", pk=order.pk)
    return render(request, "homecare/order_form.html", _form_context(request, data, errors,
                                                                      "order"))


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "order.create"):
        raise DjangoPermissionDenied
    errors: dict[str, list[str]] = {}
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            with service_errors_as_http():
                plan = services.care_plan_create(
                    actor=request.user, weekdays=data.getlist("weekdays"),
                    start=_date(data.get("date")), end=_date(data.get("end")),
                    **_order_args(request))
                report = services.care_plans_materialise(
                    until=timezone.localdate() + dt.timedelta(days=7),
                    plans=selectors.care_plans_by_id([plan.pk]))
        except ValidationFailed as exc:
            errors = exc.errors
        except ServiceError as exc:
            errors = {exc.field or "general": [exc.message]}
        else:
            messages.success(request, _("Care plan saved: %(n)s orders for the next 7 days.")
                             % {"n": report["created"]})
            for skip in report["skipped"][:5]:
                messages.warning(request, f"{skip['date']}: {skip['reason']}")
            return redirect(f"{_credit_url(plan.elder_id)}")
    return render(request, "homecare/order_form.html", _form_context(request, data, errors,
                                                                      "plan"))


@login_required
@require_POST
def plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    if not has_perm(request.user, "order.create"):
        raise DjangoPermissionDenied
    with service_errors_as_http():
        plan = selectors.care_plan_get(actor=request.user, plan_id=pk)
    try:
        with service_errors_as_http():
            services.care_plan_end(actor=request.user, plan_id=pk,
                                   end=_date(request.POST.get("end")))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Care plan ended; no orders are made after its last day."))
    return redirect(_credit_url(plan.elder_id))


def _credit_url(elder_id: int) -> str:
    from django.urls import reverse

    return reverse("homecare:credit", args=[elder_id])


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with service_errors_as_http():
        order = selectors.order_get(actor=request.user, order_id=pk)
    can_cancel = (has_perm(request.user, "order.cancel") and order.state == OrderState.ACCEPTED
                  and order.visit.state in services.FREE_VISIT_STATES)
    return render(request, "homecare/order_detail.html", {
        "nav": "homecare", "o": order, "can_cancel": can_cancel,
        "lines": credit.lines_for(VISIT_CREDIT_SOURCE, order.visit.pk)})


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        with service_errors_as_http():
            services.order_cancel(actor=request.user, order_id=pk,
                                reason=request.POST.get("reason", "")[:100])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("homecare:order", pk=pk)


@login_required
def elder_credit(request: HttpRequest, elder_id: int) -> HttpResponse:
    if not has_perm(request.user, "homecare.view"):
        raise DjangoPermissionDenied
    with service_errors_as_http():
        elder, lines = selectors.credit_lines(actor=request.user, elder_id=elder_id)
    months: dict[dt.date, dict[str, Any]] = {}
    for ln in lines[:500]:
        m = months.setdefault(ln.period, {"period": ln.period, "lines": [], "total": 0})
        m["lines"].append(ln)
        m["total"] += ln.amount if ln.unit == "fen" else 0
    today = timezone.localdate()
    return render(request, "homecare/credit.html", {
        "nav": "homecare", "elder": elder, "months": list(months.values()),
        "available": credit.available(elder.pk, today, ""),
        "reserved": credit.reserved(elder.pk, today), "kinds": CreditKind,
        "plans": selectors.care_plans_for(actor=request.user, elder_id=elder.pk), "today": today,
        "recent": selectors.orders_for(
            actor=request.user, filters=selectors.OrderFilters(elder=elder.pk))[:20],
    })
