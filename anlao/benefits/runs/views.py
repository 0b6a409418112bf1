"""Run pages: the list, one run, its progress and its actions. Reads go through selectors,
writes through services; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.models import AreaLevel
from anlao.areas.selectors import areas_for
from anlao.benefits import pages
from anlao.benefits.models import RunState
from anlao.benefits.payments import services as payments
from anlao.benefits.payments.present import payment_context
from anlao.benefits.policy import labels
from anlao.benefits.policy.selectors import programs_for
from anlao.benefits.runs import selectors, services
from anlao.benefits.runs.present import ACTIVE_STEPS, owed_context, run_context
from anlao.core.errors import PermissionDenied, ServiceError
from anlao.core.roles import has_perm


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "benefit.view"):
        raise DjangoPermissionDenied
    form = {"program": "", "period": timezone.localdate().strftime("%Y-%m"), "district": ""}
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in form})
        create = services.supplementary_create if request.POST.get("kind") == \
            "supplementary" else services.run_create
        try:
            run = create(actor=request.user, program=form["program"], period=form["period"],
                         district_code=form["district"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("benefits:run", pk=run.pk)
    runs = selectors.runs_for(actor=request.user, program=request.GET.get("program", ""))[:200]
    programs = {p.code: p.title(pages.lang()) for p in programs_for(actor=request.user)}
    return pages.page(request, "benefits/run_list.html", {
        "runs": [(r, programs.get(r.program, r.program)) for r in runs], "programs": programs,
        "districts": areas_for(actor=request.user, level=AreaLevel.DISTRICT), "form": form,
        "can_compute": has_perm(request.user, "benefit.compute"), "nav": "benefits",
    })


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = pages.run_or_404(request, pk)
    kind = request.GET.get("kind", "")
    ctx = run_context(request.user, run, pages.lang(), kind=kind if kind in labels.KINDS else "")
    ctx.update(payment_context(request.user, run))
    ctx.update(owed_context(request.user, run))
    return pages.page(request, "benefits/run_detail.html", ctx)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = pages.run_or_404(request, pk)
    busy = run.progress_step in ACTIVE_STEPS
    response = render(request, "benefits/_progress.html",
                      {"run": run, "busy": busy, "step": labels.STEPS.get(run.progress_step, "")})
    if not busy:
        response["HX-Refresh"] = "true"  # the computation ended: show the new figures
    return response


ACTIONS = {"review": services.run_review, "approve": services.run_approve,
           "export": payments.run_export}


def _supplement(request: HttpRequest, run: Any) -> HttpResponse:
    new = services.supplementary_create(actor=request.user, program=run.program,
                                             period=run.period, district_code=run.area.code)
    messages.info(request, _("A supplementary run was created: compute it to collect the "
                             "failed payments and back-pay still owed."))
    return redirect("benefits:run", pk=new.pk)


def _discard(request: HttpRequest, run: Any) -> HttpResponse:
    services.supplementary_discard(actor=request.user, run_id=run.pk)
    messages.success(request, _("The supplementary run was discarded."))
    return redirect("benefits:runs")


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = pages.run_or_404(request, pk)
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
    messages.info(request, _("The computation is queued; this page follows its progress."))
