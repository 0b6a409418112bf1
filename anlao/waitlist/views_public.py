"""The public queue pages: no login. Only masked names and ID numbers are shown, as on the
published lists; the "why" page explains one queue number from the log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anlao.core.errors import NotFound
from anlao.facilities.models import BedCategory
from anlao.waitlist import present
from anlao.waitlist.policy import load_policy
from anlao.waitlist.queue import explain, position_history
from anlao.waitlist.selectors import (
    facility_events,
    masked_names,
    public_application_get,
    public_care_home_get,
    public_care_homes,
    queue_rows,
)
from anlao.waitlist.stats import queue_lengths


def public_index(request: HttpRequest) -> HttpResponse:
    homes = list(public_care_homes())
    lengths = queue_lengths([h.pk for h in homes])
    rows = [{"facility": h, "waiting": lengths.get(h.pk, 0)} for h in homes]
    return render(request, "waitlist/public_index.html", {"rows": rows})


def _home(facility_id: int):
    try:
        return public_care_home_get(facility_id)
    except NotFound as exc:
        raise Http404(_("No such care home.")) from exc


def public_queue(request: HttpRequest, facility_id: int) -> HttpResponse:
    home = _home(facility_id)
    policy = load_policy()
    cat = request.GET.get("bed", "")
    rows = queue_rows(home.pk, policy)
    if cat in BedCategory.values:
        rows = [r for r in rows if r.entry.bed_category == cat]
    return render(request, "waitlist/public_queue.html", {
        "home": home, "rows": rows, "bed": cat, "bed_choices": BedCategory.choices,
        "classes": present.class_rules(policy), "policy": policy,
        "free": {"nursing": home.free_beds("nursing"), "general": home.free_beds("general")},
    })


def public_why(request: HttpRequest, facility_id: int, application_id: int) -> HttpResponse:
    home = _home(facility_id)
    try:
        app = public_application_get(home, application_id)
    except NotFound as exc:
        raise Http404(_("No such application.")) from exc
    policy = load_policy()
    events = facility_events(home.pk)
    rows = queue_rows(home.pk, policy)
    mine = next((r for r in rows if r.entry.application_id == app.pk), None)
    names = masked_names(home.pk)
    class_event = app.events.filter(kind="class_set").order_by("-id").first()
    return render(request, "waitlist/public_why.html", {
        "home": home, "app": app, "row": mine, "masked_name": names[app.pk],
        "explain": explain([r.entry for r in rows], app.pk, policy),
        "class_label": _(policy.class_label(app.class_code)),
        "rule": present.rule_text(class_event.data.get("rule") if class_event else None),
        "moves": present.move_rows(position_history(events, policy, app.pk), app.pk, names,
                                   policy),
        "classes": present.class_rules(policy),
    })
