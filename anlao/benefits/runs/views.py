"""Benefit pages. Reads go through selectors, writes through services; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.models import AreaLevel
from anlao.areas.selectors import areas_for
from anlao.benefits.models import RunState
from anlao.benefits.payments import services as payments
from anlao.benefits.payments.views import payment_context, tab_flags
from anlao.benefits.policy import labels
from anlao.benefits.runs import selectors, services, supplementary
from anlao.benefits.runs.owed_present import owed_context
from anlao.benefits.runs.present import (
    ACTIVE_STEPS,
    explanation_context,
    program_context,
    run_context,
)
from anlao.benefits.runs.tasks import compute_run
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.roles import has_perm
from anlao.people.selectors import elder_get


def _page(request: HttpRequest, template: str, ctx: dict[str, Any]) -> HttpResponse:
    ctx.setdefault("nav", "benefits")
    ctx["can_runs"] = has_perm(request.user, "benefit.view")
    ctx.update(tab_flags(request.user))
    return render(request, template, ctx)


def _lang() -> str:
    return "zh" if (get_language() or "zh").startswith("zh") else "en"


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = [program_context(p, _lang()) for p in selectors.programs_for(request.user)]
    return _page(request, "benefits/program_list.html", {"programs": programs})


@login_required
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        program = selectors.program_get(actor=request.user, code=code)
    except NotFound as exc:
        raise Http404(_("No such benefit program.")) from exc
    return _page(request, "benefits/program_detail.html", {"p": program_context(program, _lang())})


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "benefit.view"):
        raise DjangoPermissionDenied
    form = {"program": "", "period": timezone.localdate().strftime("%Y-%m"), "district": ""}
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in form})
        create = supplementary.supplementary_create if request.POST.get("kind") == \
            "supplementary" else services.run_create
        try:
            run = create(actor=request.user, program=form["program"], period=form["period"],
                         district_code=form["district"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("benefits:run", pk=run.pk)
    runs = selectors.runs_for(request.user, program=request.GET.get("program", ""))[:200]
    programs = {p.code: p.title(_lang()) for p in selectors.programs_for(request.user)}
    return _page(request, "benefits/run_list.html", {
        "runs": [(r, programs.get(r.program, r.program)) for r in runs], "programs": programs,
        "districts": areas_for(request.user, level=AreaLevel.DISTRICT), "form": form,
        "can_compute": has_perm(request.user, "benefit.compute"), "nav": "benefits",
    })


def _run_or_404(request: HttpRequest, pk: int):
    try:
        return selectors.run_get(actor=request.user, run_id=pk)
    except NotFound as exc:
        raise Http404(_("No such benefit run.")) from exc


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    kind = request.GET.get("kind", "")
    ctx = run_context(request.user, run, _lang(), kind=kind if kind in labels.KINDS else "")
    ctx.update(payment_context(request.user, run))
    ctx.update(owed_context(request.user, run))
    return _page(request, "benefits/run_detail.html", ctx)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    busy = run.progress_step in ACTIVE_STEPS
    response = render(request, "benefits/_progress.html",
                      {"run": run, "busy": busy, "step": labels.STEPS.get(run.progress_step, "")})
    if not busy:
        response["HX-Refresh"] = "true"  # the computation ended: show the new figures
    return response


ACTIONS = {"review": services.run_review, "approve": services.run_approve,
           "export": payments.run_export}


def _supplement(request: HttpRequest, run: Any) -> HttpResponse:
    new = supplementary.supplementary_create(actor=request.user, program=run.program,
                                             period=run.period, district_code=run.area.code)
    messages.info(request, _("A supplementary run was created: compute it to collect the "
                             "failed payments and back-pay still owed."))
    return redirect("benefits:run", pk=new.pk)


def _discard(request: HttpRequest, run: Any) -> HttpResponse:
    supplementary.supplementary_discard(actor=request.user, run_id=run.pk)
    messages.success(request, _("The supplementary run was discarded."))
    return redirect("benefits:runs")


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = _run_or_404(request, pk)
    try:
        if action == "compute":
            _queue_compute(request, run)
        elif action in ("supplement", "discard"):
            return (_supplement if action == "supplement" else _discard)(request, run)
        elif action in ACTIONS:
            ACTIONS[action](actor=request.user, run_id=run.pk)
            messages.success(request, _("Done: the run is now %(state)s.") % {
                "state": RunState(selectors.run_get(actor=request.user, run_id=pk).state).label})
        else:
            raise Http404
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, exc.message)
    return redirect("benefits:run", pk=pk)


def _queue_compute(request: HttpRequest, run: Any) -> None:
    services.run_queue(actor=request.user, run_id=run.pk)
    compute_run.enqueue(run_id=run.pk, actor_id=request.user.pk)
    messages.info(request, _("The computation is queued; this page follows its progress."))


@login_required
def explain(request: HttpRequest) -> HttpResponse:
    q = {k: request.GET.get(k, "").strip() for k in ("program", "period", "elder")}
    ctx: dict[str, Any] = {"q": q, "nav": "benefits", "error": "",
                           "programs": selectors.programs_for(request.user)}
    if all(q.values()):
        try:
            why = selectors.explain_elder(actor=request.user, program=q["program"],
                                          period=q["period"], elder_id=q["elder"])
        except NotFound as exc:
            raise Http404(_("No such elder or program.")) from exc
        except (ServiceError, PermissionDenied) as exc:
            ctx["error"] = exc.message
        else:
            ctx.update(explanation_context(request.user, why, _lang()))
            ctx["elder"] = elder = elder_get(actor=request.user, elder_id=q["elder"])
            ctx["deductions"] = selectors.deductions_for(
                actor=request.user, program=q["program"], period=q["period"], elder_id=elder.pk)
    template = "benefits/_explain.html" if request.headers.get("HX-Request") else \
        "benefits/explain.html"
    return _page(request, template, ctx)
