"""Staff pages of the waitlist: the facilities whose queue one manages, one queue with its
actions, one application with its full log, applying, and statistics.

Views parse input, call one selector or service, and render. Out-of-scope records answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.roles import has_perm
from anlao.facilities.models import BedCategory
from anlao.waitlist import present, services
from anlao.waitlist.policy import load_policy
from anlao.waitlist.queue import explain, position_history
from anlao.waitlist.selectors import (
    application_events,
    application_get,
    facilities_managed,
    facility_events,
    facility_managed_get,
    masked_names,
    public_care_homes,
    queue_rows,
)
from anlao.waitlist.stats import queue_lengths, waitlist_stats

NAV = "waitlist"


def _need(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise DjangoPermissionDenied


def _found(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _need(request, "waitlist.view")
    homes = list(facilities_managed(actor=request.user))
    ids = [h.pk for h in homes]
    lengths = queue_lengths(ids)
    policy = load_policy()
    stats = waitlist_stats(ids)
    by_class = [{"facility": h, "class": _(policy.class_label(code)), **row}
                for h in homes for (fid, code), row in sorted(
                    stats.items(), key=lambda kv: (kv[0][0], policy.class_rank(kv[0][1])))
                if fid == h.pk]
    totals = {k: sum(r[k] for r in by_class) for k in ("waiting", "offered", "accepted",
                                                        "declined", "lapsed", "admitted")}
    return render(request, "waitlist/index.html", {
        "nav": NAV, "homes": [{"facility": h, "waiting": lengths.get(h.pk, 0)} for h in homes],
        "by_class": by_class, "totals": totals,
        "can_apply": has_perm(request.user, "waitlist.apply")})


@login_required
def facility_queue(request: HttpRequest, facility_id: int) -> HttpResponse:
    _need(request, "waitlist.view")
    home = _found(lambda: facility_managed_get(actor=request.user, facility_id=facility_id))
    return render(request, "waitlist/facility.html", {
        "nav": NAV, "home": home, "rows": queue_rows(home.pk),
        "bed_choices": BedCategory.choices,
        "free": {"nursing": home.free_beds("nursing"), "general": home.free_beds("general")},
        "can_manage": has_perm(request.user, "waitlist.manage")})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "waitlist.view")
    app = _found(lambda: application_get(actor=request.user, application_id=pk))
    policy = load_policy()
    rows = queue_rows(app.facility_id, policy)
    names = masked_names(app.facility_id)
    events = application_events(app).select_related("actor")
    class_event = events.filter(kind="class_set").last()
    return render(request, "waitlist/application.html", {
        "nav": NAV, "app": app, "events": events,
        "explain": explain([r.entry for r in rows], app.pk, policy),
        "class_label": _(policy.class_label(app.class_code)),
        "rule": present.rule_text(class_event.data.get("rule") if class_event else None),
        "moves": present.move_rows(position_history(facility_events(app.facility_id), policy,
                                                    app.pk), app.pk, names, policy),
        "can_manage": has_perm(request.user, "waitlist.manage"),
        "can_apply": has_perm(request.user, "waitlist.apply")})


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    _need(request, "waitlist.apply")
    data = request.POST if request.method == "POST" else request.GET
    form = {"elder": data.get("elder", ""), "facility": data.get("facility", ""),
            "bed_category": data.get("bed_category", "nursing")}
    error = ""
    if request.method == "POST":
        try:
            app = services.waitlist_apply(actor=request.user, elder_id=_int(form["elder"]),
                                          facility_id=_int(form["facility"]),
                                          bed_category=form["bed_category"])
        except NotFound:
            error = _("No such elder or care home in your scope.")
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Application recorded: class “%(cls)s”.") % {
                "cls": _(load_policy().class_label(app.class_code))})
            return redirect("waitlist:application", pk=app.pk)
    return render(request, "waitlist/apply.html", {
        "nav": NAV, "form": form, "error": error, "homes": public_care_homes(),
        "bed_choices": BedCategory.choices}, status=400 if error else 200)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("bad id") from None


def _act(request: HttpRequest, done: str, fn: Callable[[], Any]) -> None:
    try:
        fn()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@login_required
@require_POST
def offer_next(request: HttpRequest, facility_id: int) -> HttpResponse:
    cat = request.POST.get("bed_category", "")
    _act(request, _("Bed offered to the first waiting applicant."),
         lambda: services.waitlist_offer_next(actor=request.user, facility_id=facility_id,
                                              bed_category=cat))
    return redirect("waitlist:facility", facility_id=facility_id)


@login_required
@require_POST
def expire(request: HttpRequest, facility_id: int) -> HttpResponse:
    _act(request, _("Offers checked for lapse."),
         lambda: services.waitlist_expire_offers(actor=request.user, facility_id=facility_id))
    return redirect("waitlist:facility", facility_id=facility_id)


ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "offer": (services.waitlist_offer, gettext_lazy("Bed offered.")),
    "accept": (services.waitlist_accept, gettext_lazy("Offer accepted; the elder is admitted.")),
    "decline": (services.waitlist_decline, gettext_lazy("Declined offer recorded.")),
    "withdraw": (services.waitlist_withdraw, gettext_lazy("Withdrawal recorded.")),
    "reclassify": (services.waitlist_reclassify,
                   gettext_lazy("Class checked against the current data.")),
}


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    fn, done = ACTIONS[action]
    kwargs: dict[str, Any] = {"actor": request.user, "application_id": pk}
    if action in ("decline", "withdraw"):
        kwargs["reason"] = request.POST.get("reason", "")[:200]
    _act(request, str(done), lambda: fn(**kwargs))
    nxt = request.POST.get("next", "")
    # Only back to our own pages: never an open redirect.
    if not nxt.startswith("/waitlist/") or "//" in nxt:
        nxt = reverse("waitlist:application", kwargs={"pk": pk})
    return redirect(nxt)
