"""Assessment pages: the list, an elder's history, asking an agency, one assessment and its
state changes. Entry (the phone form) is in views_entry.py; schedule, statistics, import and
the PDF are in views_reports.py.

Views parse input, call one selector or service, and render. Out-of-scope records answer 404
(``NotFound`` from the selectors); a missing permission answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlao.assessments import services
from anlao.assessments.forms import ListFilterForm, RejectForm, RequestForm
from anlao.assessments.models import Assessment, AssessmentState
from anlao.assessments.present import STATE_BADGES, level_text, summary
from anlao.assessments.selectors import (
    assessable_elder_get,
    assessment_get,
    assessments_for,
    current_assessment,
    elder_assessment_history,
    is_agency_staff,
    open_requests_for,
    request_get,
)
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.roles import has_perm
from anlao.people.models import Elder, ElderStatus

NAV = "assessments"


def require_perm(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise DjangoPermissionDenied


def get_assessment(request: HttpRequest, pk: int) -> Assessment:
    try:
        return assessment_get(actor=request.user, assessment_id=pk)
    except NotFound as exc:
        raise Http404(_("No such assessment.")) from exc


def get_elder(request: HttpRequest, elder_id: int) -> Elder:
    try:
        return assessable_elder_get(actor=request.user, elder_id=elder_id)
    except NotFound as exc:
        raise Http404(_("No such elder.")) from exc


def place(elder: Elder) -> str:
    """Street and community of the elder's residence."""
    area = elder.residence_area
    return f"{area.parent.name if area.parent_id else ''} {area.name}".strip()


def may_edit(user: Any, a: Assessment) -> bool:
    return (a.state == AssessmentState.DRAFT and has_perm(user, "assessment.write")
            and (user.is_superuser or a.agency_id == user.organisation_id))


def is_assessor_of(user: Any, a: Assessment) -> bool:
    return user.pk in (a.assessor_1_id, a.assessor_2_id)


# --- list --------------------------------------------------------------------------------

def _list_row(a: Assessment) -> dict[str, Any]:
    area = a.elder.residence_area
    return {"a": a, "community": area.name, "badge": STATE_BADGES.get(a.state, ""),
            "level": level_text(a.final_level)}


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "assessment.view")
    form = ListFilterForm(request.GET, actor=request.user)
    f = form.cleaned()
    qs = assessments_for(actor=request.user, state=f["state"], area_code=f["area"],
                         agency_id=int(f["agency"]) if f["agency"] else None)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    waiting = None
    if is_agency_staff(actor=request.user):
        waiting = Paginator(open_requests_for(actor=request.user).select_related(
            "elder__residence_area"), settings.PAGE_SIZE).get_page(request.GET.get("wpage"))
    return render(request, "assessments/list.html", {
        "nav": NAV, "form": form, "page": page, "rows": [_list_row(a) for a in page],
        "query": urlencode(params), "filtered": bool(params), "waiting": waiting,
        "waiting_query": urlencode({k: v for k, v in request.GET.items() if k != "wpage" and v}),
    })


# --- an elder's history ------------------------------------------------------------------

@login_required
def elder_history(request: HttpRequest, elder_id: int) -> HttpResponse:
    require_perm(request, "assessment.view")
    try:
        elder, rows = elder_assessment_history(actor=request.user, elder_id=elder_id)
    except NotFound as exc:
        raise Http404(_("No such elder.")) from exc
    user = request.user
    own_draft = next((a for a in rows if may_edit(user, a)), None)
    return render(request, "assessments/elder_history.html", {
        "nav": NAV, "elder": elder, "rows": [_list_row(a) for a in rows],
        "current": current_assessment(elder), "level": level_text(elder.ability_level),
        "age": elder.age_on(timezone.localdate()),
        "place": place(elder), "requests": list(open_requests_for(actor=user, elder_id=elder.pk)),
        "own_draft": own_draft,
        "can_request": has_perm(user, "assessment.request"),
        "can_start": (own_draft is None and is_agency_staff(actor=user)
                      and has_perm(user, "assessment.write")
                      and elder.status == ElderStatus.ACTIVE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, elder_id: int) -> HttpResponse:
    elder = get_elder(request, elder_id)  # 404 before 403: existence does not leak
    require_perm(request, "assessment.request")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.assessment_request_create(
                actor=request.user, elder_id=elder.pk, agency_id=int(c["agency"]),
                reason=c["reason"], note=c["note"])
        except ValidationFailed as exc:
            for field, msgs in exc.errors.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        else:
            messages.success(request, _("The agency is asked to assess %(name)s.")
                             % {"name": elder.name})
            return redirect("assessments:elder", elder_id=elder.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "assessments/request_form.html",
                  {"nav": NAV, "elder": elder, "form": form}, status=status)


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "assessment.request")
    with service_errors_as_http():
        req = request_get(actor=request.user, request_id=pk)
    try:
        services.assessment_request_cancel(actor=request.user, request_id=pk,
                                           note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The request to %(agency)s is cancelled.")
                         % {"agency": req.agency.name})
    return redirect("assessments:elder", elder_id=req.elder_id)


# --- one assessment ----------------------------------------------------------------------

@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_assessment(request, pk)
    user, state = request.user, a.state
    own = is_assessor_of(user, a)
    return render(request, "assessments/detail.html", {
        "nav": NAV, "a": a, "s": summary(a), "place": place(a.elder),
        "can_edit": may_edit(user, a),
        "can_review": (state == AssessmentState.SUBMITTED and not own
                       and has_perm(user, "assessment.review")),
        "can_finalise": (state == AssessmentState.REVIEWED and not own
                         and has_perm(user, "assessment.finalise")),
        "can_reject": ((state == AssessmentState.SUBMITTED
                        and has_perm(user, "assessment.review"))
                       or (state == AssessmentState.REVIEWED
                           and has_perm(user, "assessment.finalise"))) and not own,
        "reject_form": RejectForm(),
    })


def _act(request: HttpRequest, pk: int, action: Callable[[], Any], done: str) -> HttpResponse:
    get_assessment(request, pk)  # 404 for what the actor cannot see
    try:
        with service_errors_as_http():
            action()
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect("assessments:detail", pk=pk)


@login_required
@require_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.assessment_review(
        actor=request.user, assessment_id=pk), _("The assessment is reviewed."))


@login_required
@require_POST
def assessment_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.assessment_reject(
        actor=request.user, assessment_id=pk, reason=request.POST.get("reason", "")),
        _("The assessment is sent back to the assessors as a draft."))


@login_required
@require_POST
def assessment_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.assessment_finalise(
        actor=request.user, assessment_id=pk),
        _("The assessment is final; the elder's level is updated."))
