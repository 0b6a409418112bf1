"""Assessment pages that report: the PDF of one assessment, the reassessment schedule, the
statistics and the Excel import of past results."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlao.assessments import conf, imports, schedules, stats
from anlao.assessments.forms import AreaFilterForm, ImportForm, wording
from anlao.assessments.instrument import load
from anlao.assessments.pdf import report_pdf
from anlao.assessments.views import NAV, get_assessment, place, require_perm
from anlao.core.errors import PermissionDenied
from anlao.core.periods import add_months, month_start, next_month

LISTS = ("due", "never")


@login_required
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_assessment(request, pk)
    response = HttpResponse(report_pdf(a, place(a.elder)), content_type="application/pdf")
    name = f"assessment-{a.pk}-{a.assessed_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- schedule ----------------------------------------------------------------------------

def _due_context(request: HttpRequest, area: str, today: dt.date) -> dict[str, Any]:
    page = Paginator(schedules.elders_due(request.user, area_code=area, today=today),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "due_rows": schedules.due_rows(list(page.object_list), today)}


def _never_context(request: HttpRequest, area: str, today: dt.date) -> dict[str, Any]:
    qs = schedules.elders_never_assessed(request.user, area_code=area).order_by(
        "residence_area__code", "name", "pk")
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page,
            "never_rows": [{"elder": e, "age": e.age_on(today)} for e in page.object_list]}


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    require_perm(request, "assessment.view")
    form = AreaFilterForm(request.GET, actor=request.user)
    area = form.area_code()
    which = request.GET.get("list") if request.GET.get("list") in LISTS else "due"
    today = timezone.localdate()
    context = {"nav": NAV, "form": form, "list": which, "today": today,
               "counts": schedules.schedule_counts(request.user, area_code=area, today=today),
               "months": conf.reassess_months(), "soon_days": conf.due_soon_days(),
               "area_query": urlencode({"area": area}) if area else "",
               "list_keep": [("list", which)],
               "query": urlencode({k: v for k, v in (("list", which), ("area", area)) if v})}
    context.update(_due_context(request, area, today) if which == "due"
                   else _never_context(request, area, today))
    return render(request, "assessments/schedule.html", context)


# --- statistics --------------------------------------------------------------------------

def _level_names() -> list[str]:
    return [f"{b.level} {wording(b)}" for b in load().levels]


def _agency_months(rows: list[dict[str, Any]], since: dt.date, today: dt.date
                   ) -> dict[str, Any]:
    """Every month from ``since`` to now × agencies, as chart series and a table (a month
    without assessments is a 0, not a gap)."""
    months, month = [], month_start(since)
    while month <= today:
        months.append(month)
        month = next_month(month)
    agencies = sorted({r["agency"] for r in rows})
    cell = {(r["agency"], r["month"]): r["count"] for r in rows}
    return {"months": [f"{m:%Y-%m}" for m in months],
            "series": [{"name": ag, "data": [cell.get((ag, m), 0) for m in months]}
                       for ag in agencies],
            "total": sum(r["count"] for r in rows)}


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require_perm(request, "assessment.view")
    form = AreaFilterForm(request.GET, actor=request.user)
    area = form.area_code()
    by = "community" if request.GET.get("by") == "community" else "street"
    rows = stats.level_counts(request.user, by=by, area_code=area)
    today = timezone.localdate()
    since = add_months(month_start(today), -11)
    months = _agency_months(stats.assessments_per_agency_month(request.user, since=since),
                            since, today)
    levels = _level_names()
    totals = {"elders": sum(r["elders"] for r in rows),
              "assessed": sum(r["assessed"] for r in rows),
              "levels": [sum(r["levels"][n] for r in rows) for n in range(len(levels))]}
    totals["share"] = totals["assessed"] / totals["elders"] if totals["elders"] else 0
    chart = {"areas": [r["name"] for r in rows], "levels": levels,
             "counts": [[r["levels"][n] for r in rows] for n in range(len(levels))],
             "share": [round(r["share"] * 100, 1) for r in rows],
             "share_name": _("Share assessed (%)"), "agency_months": months}
    return render(request, "assessments/statistics.html", {
        "nav": NAV, "form": form, "by": by, "rows": rows, "levels": levels, "totals": totals,
        "chart": chart, "months": months, "since": since, "by_keep": [("by", by)],
        "area_query": urlencode({"area": area}) if area else ""})


# --- import ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    require_perm(request, "assessment.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.assessment_import(actor=request.user, file=form.cleaned_data["file"],
                                               dry_run=form.cleaned_data["dry_run"])
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        if result.ok and not form.cleaned_data["dry_run"]:
            messages.success(request, _("%(n)s assessments imported.") % {"n": result.created})
            return redirect("assessments:import")
    status = 400 if (form.is_bound and form.errors) or (result and not result.ok) else 200
    return render(request, "assessments/import.html",
                  {"nav": NAV, "form": form, "result": result,
                   "dry_run": form.is_bound and form.cleaned_data.get("dry_run")}, status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    require_perm(request, "assessment.import")
    response = HttpResponse(
        imports.import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="assessment-import-template.xlsx"'
    return response
