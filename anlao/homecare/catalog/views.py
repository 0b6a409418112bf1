"""Catalog and contract pages: lists for everyone in home care, forms for officers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.selectors import streets_for
from anlao.core.errors import ServiceError, ValidationFailed
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.http import form_date as _date
from anlao.core.money import yuan_to_fen
from anlao.core.roles import has_perm
from anlao.homecare.catalog import selectors, services
from anlao.homecare.models import Category, Unit


def _view_perm(request: HttpRequest) -> None:
    if not has_perm(request.user, "homecare.view"):
        raise DjangoPermissionDenied


def _errors(exc: ServiceError) -> dict[str, list[str]]:
    if isinstance(exc, ValidationFailed):
        return exc.errors
    return {exc.field or "general": [exc.message]}


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    _view_perm(request)
    errors: dict[str, list[str]] = {}
    data: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            with service_errors_as_http():
                item = services.item_create(actor=request.user, data={
                    **data.dict(), "price_fen": _fen(data.get("price_yuan", "")),
                    "tasks": data.get("tasks", "").split("、")})
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Service item %(name)s added.") % {"name": item.name})
            return redirect("homecare:catalog")
    return render(request, "homecare/catalog.html", {
        "nav": "homecare", "items": selectors.items_all(), "errors": errors, "data": data,
        "categories": Category.choices, "units": Unit.choices})


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    _view_perm(request)
    contracts = selectors.contracts_visible(actor=request.user).prefetch_related("streets") \
        .order_by("-start", "number")
    return render(request, "homecare/contract_list.html", {"nav": "homecare",
                                                           "contracts": contracts})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _view_perm(request)
    with service_errors_as_http():
        contract = selectors.contract_get(actor=request.user, contract_id=pk)
    return render(request, "homecare/contract_detail.html", {
        "nav": "homecare", "c": contract, "streets": contract.streets.all(),
        "lines": contract.items.select_related("item").order_by("item__category"),
        "orders": contract.orders.count()})


def _fen(yuan: str) -> int:
    """Yuan as typed (up to two decimals) → fen; anything else → -1 (the service refuses)."""
    try:
        value = Decimal(yuan.strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, AttributeError):
        return -1
    return yuan_to_fen(value) if value == value.quantize(Decimal("0.01")) else -1


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "contract.manage"):
        raise DjangoPermissionDenied
    errors: dict[str, list[str]] = {}
    data: Any = request.POST if request.method == "POST" else {}
    items = list(selectors.items_active())
    if request.method == "POST":
        # officers type yuan ("95" or "95.50"); the service keeps fen
        prices = {i.code: _fen(data.get(f"price_{i.code}", "")) for i in items
                  if data.get(f"price_{i.code}", "").strip()}
        try:
            with service_errors_as_http():
                contract = services.contract_create(
                    actor=request.user, provider_id=data.get("provider"),
                    number=data.get("number", ""), start=_date(data.get("start")),
                    end=_date(data.get("end")), street_codes=data.getlist("streets"),
                    prices=prices, expected_visits=data.get("expected_visits", 0),
                    note=data.get("note", ""))
        except ServiceError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Contract saved as a draft; activate it to take orders."))
            return redirect("homecare:contract", pk=contract.pk)
    return render(request, "homecare/contract_form.html", {
        "nav": "homecare", "errors": errors, "data": data, "items": items,
        "chosen_streets": data.getlist("streets") if data else [],
        "providers": selectors.providers_in_scope(actor=request.user).filter(
            is_active=True).order_by("name"),
        "streets": streets_for(actor=request.user)})


@login_required
@require_POST
def contract_state(request: HttpRequest, pk: int) -> HttpResponse:
    action = request.POST.get("action")
    service = {"activate": services.contract_activate, "end": services.contract_end}.get(action)
    if service is None:
        return redirect("homecare:contract", pk=pk)
    try:
        with service_errors_as_http():
            service(actor=request.user, contract_id=pk)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Contract updated."))
    return redirect("homecare:contract", pk=pk)
