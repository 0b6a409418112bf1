"""Simulation and budget pages. Reads go through selectors, the simulation through services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.models import AreaLevel
from anlao.areas.selectors import areas_for
from anlao.benefits import pages
from anlao.benefits.policy.selectors import programs_for
from anlao.benefits.simulation import selectors, services, simulate
from anlao.benefits.simulation.export import workbook_bytes
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.money import fen_to_yuan, format_fen
from anlao.core.roles import has_perm


def kind_labels() -> dict[str, str]:
    return {"new": _("Newly eligible"), "dropped": _("No longer eligible"),
            "gainer": _("Paid more"), "loser": _("Paid less")}


FIELDS = ("program", "period", "area", "draft", "kind", "page")


def _form(request: HttpRequest) -> dict[str, str]:
    src = request.POST if request.method == "POST" else request.GET
    form = {k: src.get(k, "").strip() for k in FIELDS}
    form["draft"] = src.get("draft", "")  # keep the YAML's indentation
    form["period"] = form["period"] or timezone.localdate().strftime("%Y-%m")
    return form


def _fmt(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``x`` = "¥1,234.00" next to every ``x_fen`` (templates show money, never fen)."""
    return [{**r, **{k[:-4]: format_fen(v) for k, v in r.items()
                     if k.endswith("_fen") and v is not None}} for r in rows]


def _window(page: int, pages: int) -> list[int]:
    """Page links: the first, the last and two either side of the current one."""
    return sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})


def _chart(sim: simulate.Simulation) -> dict[str, Any]:
    return {"streets": [r["street"] for r in sim.streets],
            "current": [str(fen_to_yuan(r["current_monthly_fen"])) for r in sim.streets],
            "draft": [str(fen_to_yuan(r["draft_monthly_fen"])) for r in sim.streets],
            "labels": {"current": _("Current policy"), "draft": _("Draft"),
                       "unit": _("yuan a month")}}


def _run(request: HttpRequest, form: dict[str, str], ctx: dict[str, Any]) -> None:
    try:
        sim = services.simulate(actor=request.user, program=form["program"],
                                period=form["period"], area_code=form["area"],
                                draft_text=form["draft"])
    except simulate.DraftError as exc:
        ctx["error"], ctx["error_line"] = exc.errors["draft"][0], exc.line
        return
    except (ServiceError, PermissionDenied) as exc:
        ctx["error"] = exc.message
        return
    page = int(form["page"]) if form["page"].isdigit() else 1
    kind = form["kind"] if form["kind"] in simulate.KINDS else ""
    rows, pages = selectors.changed_elders(actor=request.user, sim=sim, kind=kind, page=page)
    names = kind_labels()
    rows = [{**r, "kind_label": names[r["kind"]]} for r in rows]
    ctx.update(sim=sim, rows=_fmt(rows),
               kind_cards=[(k, names[k], sim.counts[k]) for k in simulate.KINDS],
               streets=_fmt(sim.streets), total=_fmt([sim.total])[0],
               counts=sim.counts, rows_total=sum(sim.counts.values()),
               pages=_window(min(page, pages), pages), page=min(page, pages),
               chart=_chart(sim), kind=kind)


@login_required
def simulation(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, simulate.PERMISSION):
        raise DjangoPermissionDenied
    form = _form(request)
    programs = programs_for(actor=request.user)
    form["program"] = form["program"] or (programs[0].code if programs else "")
    districts = list(areas_for(actor=request.user, level=AreaLevel.DISTRICT))
    streets = list(areas_for(actor=request.user, level=AreaLevel.STREET))
    form["area"] = form["area"] or (districts[0].code if districts else
                                    streets[0].code if streets else "")
    ctx: dict[str, Any] = {"form": form,
                           "programs": [(p.code, p.title(pages.lang())) for p in programs],
                           "areas": districts + streets,
                           "tab": "simulate", "error": "", "error_line": None,
                           "kinds": simulate.KINDS}
    if request.method == "POST":
        _run(request, form, ctx)
    elif form["program"]:
        try:
            form["draft"] = selectors.program_source(actor=request.user, code=form["program"])
        except NotFound as exc:
            raise Http404(_("No such benefit program.")) from exc
    return pages.page(request, "benefits/simulation.html", ctx)


@login_required
@require_POST
def simulation_export(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    try:
        sim = services.simulate(actor=request.user, program=form["program"],
                                period=form["period"], area_code=form["area"],
                                draft_text=form["draft"])
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ServiceError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        workbook_bytes(actor=request.user, sim=sim),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"simulation-{sim.program.code}-{sim.period}-{sim.area.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def budget(request: HttpRequest, code: str) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    try:
        data = selectors.budget_vs_actual(actor=request.user, code=code, year=year)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except NotFound as exc:
        raise Http404(_("No such benefit program.")) from exc
    chart = {"months": [m["month"] for m in data["months"]],
             "budget": [str(fen_to_yuan(m["budget_fen"])) if m["budget_fen"] is not None
                        else None for m in data["months"]],
             "actual": [str(fen_to_yuan(m["actual_fen"])) for m in data["months"]],
             "exported": [str(fen_to_yuan(m["exported_fen"])) for m in data["months"]],
             "labels": {"budget": _("Budget"), "actual": _("Computed"),
                        "exported": _("Exported"), "unit": _("yuan")}}
    return pages.page(request, "benefits/budget.html", {
        **data, "chart": chart, "months": _fmt(data["months"]),
        "annual": format_fen(data["annual_fen"]) if data["has_budget"] else "",
        "actual_total": format_fen(data["actual_total_fen"]),
        "exported_total": format_fen(data["exported_total_fen"]), "tab": "budget",
        "name": data["program"].title(pages.lang()),
        "years": sorted({*data["years"], year, timezone.localdate().year})})
