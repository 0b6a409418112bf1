"""The phone-first entry form: one dimension per step, then conditions and assessors, then a
check of what is missing and the submit.

Every answer is saved as it is chosen (htmx POST to ``answers_save`` → the
``assessment_save_answers`` service), so a draft survives a lost connection or a closed
browser; the "Next" button posts the same answers again, so the form also works without
JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlao.assessments import conf, services
from anlao.assessments.forms import AnswerError, DetailsForm, parse_answers, wording
from anlao.assessments.instrument import Dimension, Instrument, load
from anlao.assessments.models import Assessment, AssessmentReason, AssessmentState
from anlao.assessments.present import dimension_rows, level_text
from anlao.assessments.scoring import (
    Conditions,
    missing_items,
    partial_subtotals,
    score,
)
from anlao.assessments.selectors import current_assessment, open_requests_for
from anlao.assessments.views import (
    NAV,
    get_assessment,
    get_elder,
    may_edit,
    place,
    require_perm,
)
from anlao.core.errors import PermissionDenied, ServiceError, ValidationFailed
from anlao.core.http import error_text, service_errors_as_http


def _steps(inst: Instrument) -> int:
    return len(inst.dimensions)


def details_step(inst: Instrument) -> int:
    return _steps(inst) + 1


def check_step(inst: Instrument) -> int:
    return _steps(inst) + 2


def _editable(request: HttpRequest, pk: int) -> Assessment:
    """The draft to edit, or 404 (out of scope) / 403 (not the actor's to edit)."""
    a = get_assessment(request, pk)
    if not may_edit(request.user, a):
        if a.state != AssessmentState.DRAFT:
            raise _NotDraft(a)
        raise DjangoPermissionDenied
    return a


class _NotDraft(Exception):
    def __init__(self, a: Assessment):
        self.assessment = a


def _not_draft(request: HttpRequest, a: Assessment) -> HttpResponse:
    messages.warning(request, _("This assessment is %(state)s; it can no longer be changed.")
                     % {"state": a.get_state_display()})
    return redirect("assessments:detail", pk=a.pk)


def _stepper(a: Assessment, inst: Instrument, current: int) -> list[dict[str, Any]]:
    answers = a.answers or {}
    rows = [{"n": n, "label": d.code, "title": wording(d), "current": n == current,
             "done": all(answers.get(i.code) is not None for i in d.items),
             "count": sum(1 for i in d.items if answers.get(i.code) is not None),
             "of": len(d.items)} for n, d in enumerate(inst.dimensions, start=1)]
    rows.append({"n": details_step(inst), "label": _("Details"), "title": _("Conditions and "
                 "assessors"), "current": current == details_step(inst),
                 "done": bool(a.assessor_1_id and a.assessor_2_id), "count": None, "of": None})
    rows.append({"n": check_step(inst), "label": _("Check"), "title": _("Check and submit"),
                 "current": current == check_step(inst), "done": False, "count": None,
                 "of": None})
    return rows


def _base(a: Assessment, inst: Instrument, step: int) -> dict[str, Any]:
    return {"nav": NAV, "a": a, "step": step, "steps": _stepper(a, inst, step),
            "place": place(a.elder), "total_steps": check_step(inst),
            "prev_step": step - 1 if step > 1 else None}


@login_required
@require_POST
def assessment_start(request: HttpRequest, elder_id: int) -> HttpResponse:
    """Open a draft for an elder the agency was asked to assess, the actor as first assessor."""
    elder = get_elder(request, elder_id)
    require_perm(request, "assessment.write")
    data: dict[str, Any] = {"assessor_1": request.user.pk}
    if not open_requests_for(actor=request.user, elder_id=elder.pk).exists():
        # Without a request there is no reason to inherit; the details step can change it.
        data["reason"] = (AssessmentReason.SCHEDULED if current_assessment(elder)
                          else AssessmentReason.FIRST)
    try:
        with service_errors_as_http():
            a = services.assessment_create(actor=request.user, elder_id=elder.pk, data=data)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("assessments:elder", elder_id=elder.pk)
    return redirect("assessments:step", pk=a.pk, step=1)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    inst = load()
    if not 1 <= step <= check_step(inst):
        raise Http404
    try:
        a = _editable(request, pk)
    except _NotDraft as exc:
        return _not_draft(request, exc.assessment)
    if step == details_step(inst):
        return _details(request, a, inst)
    if step == check_step(inst):
        return _check(request, a, inst)
    return _dimension(request, a, inst, step)


def _goto(request: HttpRequest, a: Assessment, default: int) -> HttpResponse:
    """After saving: the step the stepper asked for (``go``), else the next one."""
    try:
        go = int(request.POST.get("go") or default)
    except ValueError:
        go = default
    return redirect("assessments:step", pk=a.pk, step=max(1, min(go, check_step(load()))))


def _dimension(request: HttpRequest, a: Assessment, inst: Instrument, step: int
               ) -> HttpResponse:
    dim = inst.dimensions[step - 1]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            answers = parse_answers(request.POST, [i.code for i in dim.items])
            if answers:
                a = services.assessment_save_answers(actor=request.user, assessment_id=a.pk,
                                                     answers=answers)
        except AnswerError as exc:
            errors = {str(exc): [_("Choose one of the scores shown.")]}
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return _goto(request, a, step + 1)
    context = _base(a, inst, step)
    context.update(_dimension_context(a, inst, dim, errors))
    return render(request, "assessments/step_dimension.html", context,
                  status=400 if errors else 200)


def _dimension_context(a: Assessment, inst: Instrument, dim: Dimension,
                       errors: dict[str, list[str]]) -> dict[str, Any]:
    answers = a.answers or {}
    items = [{
        "code": i.code, "slug": i.code.replace(".", "-"), "name": wording(i), "max": i.max_score,
        "value": answers.get(i.code), "errors": errors.get(i.code) or errors.get(
            f"answers.{i.code}", []),
        "options": [{"score": o.score, "text": wording(o)} for o in i.options],
    } for i in dim.items]
    return {"dimension": dim, "dimension_name": wording(dim), "items": items,
            "errors": errors, **running(a, inst, dim)}


def running(a: Assessment, inst: Instrument, dim: Dimension) -> dict[str, Any]:
    """The running numbers under the step: this dimension's subtotal and the total so far."""
    answers = a.answers or {}
    subtotals = partial_subtotals(answers, inst)
    return {"subtotal": subtotals[dim.code], "dimension": dim, "dimension_name": wording(dim),
            "answered": sum(1 for i in dim.items if answers.get(i.code) is not None),
            "item_count": len(dim.items), "total_so_far": sum(subtotals.values()),
            "max_total": inst.max_total}


@login_required
@require_POST
def answers_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx): store the posted answers, answer with the running numbers."""
    inst = load()
    try:
        a = _editable(request, pk)
    except _NotDraft as exc:
        return _save_status(request, exc.assessment, inst, 409, _(
            "This assessment is no longer a draft; nothing was saved."))
    try:
        answers = parse_answers(request.POST, inst.item_codes)
        if answers:
            a = services.assessment_save_answers(actor=request.user, assessment_id=a.pk,
                                                 answers=answers)
    except AnswerError:
        return _save_status(request, a, inst, 400, _("Choose one of the scores shown."))
    except ServiceError as exc:
        return _save_status(request, a, inst, 400, error_text(exc))
    return _save_status(request, a, inst, 200, "")


def _save_status(request: HttpRequest, a: Assessment, inst: Instrument, status: int,
                 error: str) -> HttpResponse:
    code = request.POST.get("dimension", "")
    dim = next((d for d in inst.dimensions if d.code == code), inst.dimensions[0])
    context = {**running(a, inst, dim), "error": error, "saved_at": timezone.localtime()}
    return render(request, "assessments/_running.html", context, status=status)


def _details(request: HttpRequest, a: Assessment, inst: Instrument) -> HttpResponse:
    form = DetailsForm(request.POST or None, assessment=a, instrument=inst,
                       initial=DetailsForm.initial_for(a))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(actor=request.user, assessment_id=a.pk,
                                       data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc.errors)
        else:
            return _goto(request, a, check_step(inst))
    for bound in form:
        if bound.errors:
            bound.field.widget.attrs["class"] += " is-invalid"
    context = _base(a, inst, details_step(inst))
    context["form"] = form
    return render(request, "assessments/step_details.html", context,
                  status=400 if form.errors else 200)


def _check(request: HttpRequest, a: Assessment, inst: Instrument,
           errors: dict[str, list[str]] | None = None) -> HttpResponse:
    context = _base(a, inst, check_step(inst))
    context.update(check_context(a, inst, errors or {}))
    return render(request, "assessments/step_check.html", context, status=400 if errors else 200)


def check_context(a: Assessment, inst: Instrument, errors: dict[str, list[str]]
                  ) -> dict[str, Any]:
    """What is missing (items by step, assessors, anything the service refused) and, when
    complete, the result the submission will store."""
    answers = a.answers or {}
    missing = missing_items(answers, inst)
    groups = [{"step": n, "code": d.code, "name": wording(d),
               "items": [{"code": i.code, "slug": i.code.replace(".", "-"), "name": wording(i)}
                         for i in d.items if i.code in missing]}
              for n, d in enumerate(inst.dimensions, start=1)]
    groups = [g for g in groups if g["items"]]
    other = [m for key, msgs in errors.items() if not key.startswith("answers.") for m in msgs]
    if not (a.assessor_1_id and a.assessor_2_id):
        other.insert(0, _("Two assessors are needed: choose them under Details."))
    preview = None
    if not missing:
        result = score(answers, Conditions(
            coma=a.coma, dementia=a.dementia, psychiatric_disorder=a.psychiatric_disorder,
            risk_events=a.risk_events or {}), conf.level_rules(), inst)
        preview = {"initial": level_text(result.initial_level, inst),
                   "final": level_text(result.final_level, inst), "total": result.total,
                   "max": inst.max_total, "changed": result.final_level != result.initial_level}
    return {"missing": groups, "missing_count": len(missing),
            "other_problems": list(dict.fromkeys(other)),
            "dimensions": dimension_rows(a, inst), "preview": preview,
            "details_step": details_step(inst), "ready": not missing and not other}


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    inst = load()
    try:
        a = _editable(request, pk)
    except _NotDraft as exc:
        return _not_draft(request, exc.assessment)
    try:
        services.assessment_submit(actor=request.user, assessment_id=a.pk)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except ValidationFailed as exc:
        return _check(request, a, inst, exc.errors)
    except ServiceError as exc:
        return _check(request, a, inst, {"state": [exc.message]})
    messages.success(request, _("The assessment is submitted for review."))
    return redirect(reverse("assessments:detail", kwargs={"pk": a.pk}))
