"""Settlement pages (list, detail, compute/approve/export, statement downloads) and the
home-care dashboard. Reads go through settlement/stats selectors, writes through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.selectors import streets_for
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.money import format_fen
from anlao.core.periods import format_month, month_start, previous_month
from anlao.core.roles import has_perm
from anlao.homecare.models import SettlementState
from anlao.homecare.settlement import export, selectors, services, stats

LINES_PER_PAGE = 50


def _error_text(exc: ServiceError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


def _require(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise Http404  # a page the user may not use does not exist for them


def _get(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.settlement_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _month_param(raw: str) -> dt.date | None:
    try:
        return services.period_of(raw) if raw else None
    except ValidationFailed:
        return None


def _int_param(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _with_money(s: Any) -> Any:
    """Yuan strings for the page (templates have no money filter)."""
    s.money = {k: format_fen(getattr(s, f"{k}_fen"))
               for k in ("gross", "copay", "excluded", "payable")}
    return s


@login_required
def settlement_list(request: HttpRequest) -> HttpResponse:
    _require(request, "settlement.view")
    period = _month_param(request.GET.get("month", ""))
    provider_id = _int_param(request.GET.get("provider", ""))
    qs = selectors.settlements_for(actor=request.user, period=period, provider_id=provider_id)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for s in page:
        _with_money(s)
    query = "&".join(f"{k}={request.GET[k]}" for k in ("month", "provider") if request.GET.get(k))
    return render(request, "homecare/settlement_list.html", {
        "nav": "homecare", "page": page, "query": query,
        "providers": selectors.providers_visible(actor=request.user).order_by("name"),
        "filters": {"month": period.strftime("%Y-%m") if period else "",
                    "provider": provider_id},
        "can_compute": has_perm(request.user, "settlement.compute"),
        "default_month": format_month(previous_month(timezone.localdate())),
        "filtered": bool(query)})


@login_required
@require_POST
def settlement_compute_view(request: HttpRequest) -> HttpResponse:
    _require(request, "settlement.compute")
    provider_id = _int_param(request.POST.get("provider", ""))
    try:
        if provider_id is None:
            raise ValidationFailed({"provider": [_("Choose a provider.")]})
        s = services.settlement_compute(actor=request.user, provider=provider_id,
                                   period=request.POST.get("period", ""))
    except ServiceError as exc:
        messages.error(request, _("Not computed: %(reason)s") % {"reason": _error_text(exc)})
        return redirect("homecare:settlements")
    messages.success(request, _("Settlement computed: %(n)s visits.") % {"n": s.visits})
    return redirect("homecare:settlement", pk=s.pk)


@login_required
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.view")
    s = _get(request, pk)
    reason = request.GET.get("reason", "")
    lines = selectors.lines_for(s)
    if reason == "paid":
        lines = lines.filter(excluded_reason="")
    elif reason in services.REASONS:
        lines = lines.filter(excluded_reason=reason)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    for ln in page:
        ln.reason_label = export.reason_label(ln.excluded_reason)
        ln.money = {k: format_fen(getattr(ln, f"{k}_fen")) for k in ("price", "copay", "payable")}
    _with_money(s)
    user = request.user
    return render(request, "homecare/settlement_detail.html", {
        "nav": "homecare", "s": s, "page": page, "reason": reason,
        "query": f"reason={reason}" if reason else "",
        "reasons": [(code, export.reason_label(code)) for code in services.REASONS],
        "can_recompute": (has_perm(user, "settlement.compute")
                          and s.state == SettlementState.COMPUTED),
        "can_approve": (has_perm(user, "settlement.approve")
                        and s.state == SettlementState.COMPUTED and s.computed_by_id != user.pk),
        "self_computed": s.computed_by_id == user.pk and s.state == SettlementState.COMPUTED,
        "can_export": (has_perm(user, "settlement.approve")
                       and s.state == SettlementState.APPROVED)})


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    _get(request, pk)
    try:
        action(actor=request.user, settlement_id=pk)
    except PermissionDenied as exc:
        messages.error(request, exc.message)
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("homecare:settlement", pk=pk)


@login_required
@require_POST
def settlement_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.approve")
    return _act(request, pk, services.settlement_approve, _("Settlement approved."))


@login_required
@require_POST
def settlement_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.approve")
    return _act(request, pk, services.settlement_export, _("Settlement exported to finance."))


@login_required
@require_POST
def settlement_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.compute")
    s = _get(request, pk)
    try:
        services.settlement_compute(actor=request.user, provider=s.provider_id, period=s.period)
    except ServiceError as exc:
        messages.error(request, _("Not computed: %(reason)s") % {"reason": _error_text(exc)})
    else:
        messages.success(request, _("Settlement re-computed."))
    return redirect("homecare:settlement", pk=pk)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def settlement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.view")
    s = _get(request, pk)
    services.settlement_download(actor=request.user, settlement=s, fmt="xlsx")
    return _download(export.statement_xlsx(s), export.filename(s, "xlsx"),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def settlement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "settlement.view")
    s = _get(request, pk)
    services.settlement_download(actor=request.user, settlement=s, fmt="pdf")
    return _download(export.statement_pdf(s), export.filename(s, "pdf"), "application/pdf")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "homecare.view")
    period = _month_param(request.GET.get("month", "")) or month_start(timezone.localdate())
    data = stats.dashboard(request.user, period=period)
    # the facility map's base layer: tiles only when configured, else labelled street rings
    areas = [{"name": a.name, "lat": a.lat, "lng": a.lng} for a in streets_for(actor=request.user)
             if a.lat is not None and a.lng is not None]
    data["chart"]["map"] = {**data["map"], "tile_url": settings.MAP_TILE_URL, "areas": areas}
    return render(request, "homecare/stats.html", {
        "nav": "homecare", "d": data, "month": period.strftime("%Y-%m"),
        "alarm_url": reverse("alarms:queue") if has_perm(request.user, "alarm.view") else ""})
