"""The home dashboard: the actor's counts, and chart data with labels already translated."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.core.errors import PermissionDenied
from anlao.people.models import CATEGORY_LABELS
from anlao.planning import selectors

EXTRA_CATEGORY_LABELS = {"alone": gettext_lazy("living alone / empty nest / no family")}
ABILITY_LABELS = {
    0: gettext_lazy("0 intact"), 1: gettext_lazy("1 mild"), 2: gettext_lazy("2 moderate"),
    3: gettext_lazy("3 severe"), 4: gettext_lazy("4 total"), None: gettext_lazy("not assessed"),
}


def _chart_data(d: selectors.Dashboard) -> dict[str, Any]:
    """Labels already translated: dashboard.js only draws."""
    labels = {**CATEGORY_LABELS, **EXTRA_CATEGORY_LABELS}
    return {
        "area": {"labels": [n for n, _c in d.by_area], "values": [c for _n, c in d.by_area]},
        "age": {"labels": [b for b, _c in d.by_age], "values": [c for _b, c in d.by_age]},
        "category": {"labels": [str(labels[k]) for k, _c in d.by_category],
                     "values": [c for _k, c in d.by_category]},
        "ability": {"labels": [str(ABILITY_LABELS[k]) for k, _c in d.by_ability],
                    "values": [c for _k, c in d.by_ability]},
        "series_name": _("elders"),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    try:
        dashboard = selectors.dashboard_for(actor=request.user)
    except PermissionDenied:  # a user without a role sees the empty state
        dashboard = selectors.Dashboard()
    return render(request, "planning/home.html", {
        "nav": "home", "d": dashboard, "charts": _chart_data(dashboard),
    })
