"""Pages of the visits part: the caregiver's phone pages (my route, one visit, unplanned visit),
the officers' anomaly review, the follow-up worklist and the ratings table.

Reads go through the ``selectors`` and ``anomalies`` of visits, writes through ``services``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.selectors import streets_for
from anlao.core import rules
from anlao.core.api_support import client_ip
from anlao.core.errors import ServiceError
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.masking import mask_address
from anlao.core.periods import month_start, parse_month, previous_month
from anlao.core.roles import has_perm
from anlao.core.rules import Status
from anlao.homecare.catalog.selectors import providers_in_scope
from anlao.homecare.models import AnomalyState, FollowUpMethod, VisitState
from anlao.homecare.visits import anomalies, selectors, services

PER_PAGE = 50


def _need(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise DjangoPermissionDenied


def _row(visit: Any, revealed: set[int]) -> dict[str, Any]:
    elder = visit.order.elder
    shown = visit.pk in revealed
    geo = (f"geo:{elder.lat:.6f},{elder.lng:.6f}?q={elder.lat:.6f},{elder.lng:.6f}"
           if shown and elder.lat is not None and elder.lng is not None else "")
    return {"v": visit, "elder": elder, "tasks": visit.order.item.tasks or [],
            "address": elder.address if shown else mask_address(elder.address),
            "revealed": shown, "geo": geo,
            "start": timezone.localtime(visit.planned_start) if visit.planned_start else None,
            "can_check_in": visit.state == VisitState.ASSIGNED,
            "can_check_out": visit.state == VisitState.IN_PROGRESS}


# --- the caregiver's pages ------------------------------------------------------------------

@login_required
def my_route(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.record")
    today = timezone.localdate()
    route = list(selectors.route_for(actor=request.user, day=today))
    revealed = selectors.address_revealed(actor=request.user, visits=route)
    return render(request, "homecare/route.html", {
        "nav": "homecare", "today": today, "rows": [_row(v, revealed) for v in route],
        "has_profile": selectors.caregiver_profile(actor=request.user) is not None,
        "done": sum(v.state == VisitState.DONE for v in route)})


@login_required
def route_visit(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "visit.record")
    with service_errors_as_http():
        visit = selectors.visit_for_caregiver(actor=request.user, visit_id=pk)
    row = _row(visit, selectors.address_revealed(actor=request.user, visits=[visit]))
    return render(request, "homecare/visit_detail.html", {
        "nav": "homecare", "r": row, "v": visit, "done": set(visit.tasks_done or []),
        "code_minutes": settings.HOMECARE["CODE_MINUTES"],
        "code_pending": bool(visit.code_hash) and visit.code_expires_at is not None
        and visit.code_expires_at > timezone.now()})


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    if request.POST.get("back") == "route":
        return redirect("homecare:my_route")
    return redirect("homecare:route_visit", pk=pk)


def _position_args(request: HttpRequest) -> dict[str, Any]:
    p = request.POST
    lat, lng = p.get("lat", "").strip(), p.get("lng", "").strip()
    return {"lat": lat or None, "lng": lng or None, "no_gps": p.get("no_gps") == "1"}


def _act(request: HttpRequest, pk: int, fn: Any, ok: str, **kwargs: Any) -> HttpResponse:
    """Run one caregiver service; a broken rule becomes a message on the page it came from."""
    _need(request, "visit.record")
    try:
        with service_errors_as_http():
            fn(actor=request.user, visit=pk, **kwargs)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return _back(request, pk)
    if ok:
        messages.success(request, ok)
    return _back(request, pk)


@login_required
@require_POST
def visit_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.visit_check_in, _("Checked in."), **_position_args(request))


@login_required
@require_POST
def visit_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.visit_check_out, _("Checked out. Thank you!"),
                **_position_args(request))


@login_required
@require_POST
def visit_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.visit_record_tasks, _("Tasks and notes saved."),
                tasks_done=request.POST.getlist("tasks"), notes=request.POST.get("notes", ""))


@login_required
@require_POST
def visit_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.visit_reveal_address, "", ip=client_ip(request))


@login_required
@require_POST
def visit_code(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "visit.record")
    try:
        with service_errors_as_http():
            code = services.visit_issue_code(actor=request.user, visit=pk)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return _back(request, pk)
    if settings.HOMECARE.get("CODE_SENDER"):
        messages.success(request, _("A code was sent to the elder's family. Ask them to type "
                                    "it in below."))
    elif settings.DEBUG:  # no SMS gateway in the demo: show what the family would receive
        messages.info(request, _("Demo (no SMS gateway): the family would receive the code "
                                 "%(code)s.") % {"code": code})
    else:
        messages.warning(request, _("No SMS gateway is configured; the code cannot be sent."))
    return _back(request, pk)


@login_required
@require_POST
def visit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.visit_confirm_code, _("The elder confirmed the visit."),
                code=request.POST.get("code", ""))


@login_required
def route_unplanned(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.record")
    if request.method == "POST":
        try:
            with service_errors_as_http():
                v = services.visit_start_unplanned(
                    actor=request.user, elder_id=request.POST.get("elder"),
                    item_id=request.POST.get("item"), **_position_args(request))
        except ServiceError as exc:
            messages.error(request, error_text(exc))
            return redirect("homecare:route_unplanned")
        messages.success(request, _("Unplanned visit started; it will be reviewed."))
        return redirect("homecare:route_visit", pk=v.pk)
    q = request.GET.get("q", "").strip()[:32]
    choices = selectors.unplanned_choices(actor=request.user, q=q, on=timezone.localdate())
    return render(request, "homecare/route_unplanned.html", {
        "nav": "homecare", "q": q, **choices})


# --- anomaly review -------------------------------------------------------------------------

def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def anomaly_list(request: HttpRequest) -> HttpResponse:
    if not anomalies.may_see_anomalies(request.user):
        raise DjangoPermissionDenied
    g, ruleset = request.GET, anomalies.ANOMALIES
    chosen = rules.review_filters(ruleset, g, status_param="state",
                                  default_status=AnomalyState.OPEN)
    f = anomalies.AnomalyFilters(rule=chosen.rule, provider=_int_or_none(g.get("provider")),
                                 street=g.get("street", "")[:12], state=chosen.status)
    page = rules.review_page(anomalies.anomalies_for(request.user, f), g, per_page=PER_PAGE)
    rows = [{"a": a, "label": ruleset.title_of(a.rule),
             "detail": anomalies.describe(a), "v": a.visit, "elder": a.visit.order.elder}
            for a in page]
    return render(request, "homecare/anomalies.html", {
        "nav": "homecare", "rows": rows, "page": page, "f": f, "rules": ruleset.titles(),
        "states": AnomalyState.choices, "streets": streets_for(actor=request.user),
        "providers": providers_in_scope(actor=request.user).order_by("name"),
        "store": ruleset.store,
        "can_review": has_perm(request.user, "visit.review"),
        "querystring": rules.query_without_page(g)})


@login_required
@require_POST
def anomaly_review(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "visit.review")
    decision = anomalies.STORE.decision_from(request.POST.get("decision"))
    if decision is None:
        messages.error(request, _("Choose accept or reject."))
        return redirect("homecare:anomalies")
    accept = decision == Status.DISMISSED
    try:
        with service_errors_as_http():
            anomalies.anomaly_review(actor=request.user, anomaly_id=pk, accept=accept,
                                     note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Accepted: the visit can be paid.") if accept
                         else _("Rejected: the visit will not be paid."))
    back = request.POST.get("back", "")[:500]
    return redirect(reverse("homecare:anomalies") + (f"?{back}" if back else ""))


# --- follow-up ------------------------------------------------------------------------------

def _month(value: str | None) -> dt.date:
    try:
        return parse_month(value or "")
    except ValueError:
        return month_start(timezone.localdate())


@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    _need(request, "followup.record")
    page = Paginator(selectors.followups_for(actor=request.user), PER_PAGE) \
        .get_page(request.GET.get("page"))
    last_month = previous_month(timezone.localdate())
    return render(request, "homecare/followups.html", {
        "nav": "homecare", "page": page, "methods": FollowUpMethod.choices,
        "ratings": range(1, 6), "month": last_month,
        "share_pct": round(float(settings.HOMECARE["FOLLOW_UP_SHARE"]) * 100)})


@login_required
@require_POST
def followup_record(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "followup.record")
    p = request.POST
    try:
        with service_errors_as_http():
            services.followup_record(actor=request.user, followup_id=pk,
                                      outcome=p.get("outcome", ""), method=p.get("method", ""),
                                      rating=p.get("rating") or None,
                                      comment=p.get("comment", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Follow-up recorded.") if p.get("outcome") == "done"
                         else _("No answer noted; the call stays on the list."))
    return redirect("homecare:followups")


@login_required
@require_POST
def followup_sample(request: HttpRequest) -> HttpResponse:
    _need(request, "followup.record")
    period = _month(request.POST.get("month"))
    try:
        with service_errors_as_http():
            n = services.followups_sample(period=period, seed=int(period.strftime("%Y%m")),
                                           actor=request.user)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(n)s visits of %(month)s added to the call list.")
                         % {"n": n, "month": period.strftime("%Y-%m")})
    return redirect("homecare:followups")


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_ratings(actor=request.user):
        raise DjangoPermissionDenied
    month = request.GET.get("month", "").strip()
    period = _month(month) if month else None
    return render(request, "homecare/followup_ratings.html", {
        "nav": "homecare", "month": period,
        "providers": selectors.ratings_rollup(actor=request.user, period=period),
        "caregivers": selectors.ratings_rollup(actor=request.user, period=period, by="caregiver")})
