"""Workforce pages. Reads go through selectors, writes through services; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.areas.selectors import areas_for
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.http import form_date as _date
from anlao.core.masking import mask_id_number, mask_phone
from anlao.core.roles import has_perm
from anlao.workforce import selectors, services
from anlao.workforce.models import (
    LEVEL_RANK,
    CertificateKind,
    SkillLevel,
    WorkRole,
)
from anlao.workforce.present import level_label

PER_PAGE = 50


def _page(request: HttpRequest, template: str, ctx: dict[str, Any]) -> HttpResponse:
    if not has_perm(request.user, "workforce.view"):
        raise DjangoPermissionDenied
    ctx.setdefault("nav", "workforce")
    ctx["can_claims"] = (has_perm(request.user, "subsidy.claim")
                         or has_perm(request.user, "subsidy.approve")
                         or request.user.role == "auditor")
    ctx["can_write"] = has_perm(request.user, "workforce.write")
    return render(request, template, ctx)


def _int(value: str | None) -> int:
    try:
        return int((value or "0").strip())
    except ValueError:
        return -1


def _highest_level(c: Any) -> str:
    levels = [x.level for x in c.certificates.all() if x.kind == CertificateKind.SKILL]
    return max(levels, key=LEVEL_RANK.__getitem__, default="")


@login_required
def caregiver_list(request: HttpRequest) -> HttpResponse:
    q, certified = request.GET.get("q", "").strip(), request.GET.get("certified", "")
    qs = selectors.caregivers_for(actor=request.user, q=q, certified=certified) \
        .prefetch_related("certificates", "employments__employer")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for c in page:
        current = next((e for e in c.employments.all() if e.end is None), None)
        rows.append({"c": c, "id": mask_id_number(c.id_number), "phone": mask_phone(c.phone),
                     "level": level_label(_highest_level(c)) if _highest_level(c) else "",
                     "employer": current.employer.name if current else ""})
    return _page(request, "workforce/caregiver_list.html", {
        "rows": rows, "total": page.paginator.count, "page": page, "q": q,
        "certified": certified,
        "areas": (areas_for(actor=request.user)
                  if has_perm(request.user, "workforce.write") else [])})


@login_required
@require_POST
def caregiver_new(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        c = services.caregiver_create(actor=request.user, name=p.get("name", ""),
                                      id_number=p.get("id_number", ""),
                                      phone=p.get("phone", ""), area_id=p.get("area"))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("workforce:caregivers")
    messages.success(request, _("Caregiver recorded."))
    return redirect("workforce:caregiver", pk=c.pk)


@login_required
def caregiver_detail(request: HttpRequest, pk: int,
                     revealed: dict[str, str] | None = None) -> HttpResponse:
    from anlao.facilities.selectors import facilities_visible

    try:
        c = selectors.caregiver_get(actor=request.user, caregiver_id=pk)
    except NotFound as exc:
        raise Http404(_("No such caregiver.")) from exc
    certs = list(c.certificates.all())
    revealed = revealed or {}
    return _page(request, "workforce/caregiver_detail.html", {
        "c": c, "id": revealed.get("id_number") or mask_id_number(c.id_number),
        "phone": revealed.get("phone") or mask_phone(c.phone), "revealed": revealed,
        "jobs": c.employments.select_related("employer", "facility"),
        "skill": [x for x in certs if x.kind == CertificateKind.SKILL],
        "other": [x for x in certs if x.kind != CertificateKind.SKILL],
        "trainings": c.trainings.all(), "contests": c.contests.all(),
        "facilities": facilities_visible(actor=request.user).order_by("name")[:300]
        if has_perm(request.user, "workforce.write") else [],
        "roles": WorkRole.choices, "levels": SkillLevel.choices, "kinds": CertificateKind.choices,
        "today": timezone.localdate()})


def _employment(request: HttpRequest, pk: int, p: Any) -> None:
    services.employment_add(actor=request.user, caregiver_id=pk,
                            facility_id=p.get("facility") or None,
                            employer_id=p.get("employer") or None, role=p.get("role", ""),
                            start=_date(p.get("start")), end=_date(p.get("end")))


def _employment_end(request: HttpRequest, pk: int, p: Any) -> None:
    services.employment_end(actor=request.user, caregiver_id=pk,
                            employment_id=p.get("employment"), end=_date(p.get("end")))


def _certificate(request: HttpRequest, pk: int, p: Any) -> None:
    services.certificate_add(actor=request.user, caregiver_id=pk, kind=p.get("kind", ""),
                             level=p.get("level", ""), number=p.get("number", ""),
                             issuer=p.get("issuer", ""), issued_on=_date(p.get("issued_on")))


def _training(request: HttpRequest, pk: int, p: Any) -> None:
    services.training_add(actor=request.user, caregiver_id=pk, title=p.get("title", ""),
                          start=_date(p.get("start")), provider=p.get("provider", ""),
                          hours=_int(p.get("hours")), passed=p.get("passed") == "on")


def _contest(request: HttpRequest, pk: int, p: Any) -> None:
    services.contest_add(actor=request.user, caregiver_id=pk, contest=p.get("contest", ""),
                         held_on=_date(p.get("held_on")), result=p.get("result", ""))


ACTIONS = {"employment": _employment, "employment_end": _employment_end,
           "certificate": _certificate, "training": _training, "contest": _contest}


@login_required
@require_POST
def caregiver_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    p = request.POST
    if action not in ACTIONS and action != "reveal":
        raise Http404
    try:
        with service_errors_as_http():
            if action == "reveal":
                value = services.caregiver_reveal(
                    actor=request.user, caregiver_id=pk, field=p.get("field", ""),
                    reason=p.get("reason", ""), note=p.get("note", ""),
                    ip=request.META.get("REMOTE_ADDR"))
                return caregiver_detail(request, pk, revealed={p["field"]: value})
            ACTIONS[action](request, pk, p)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("workforce:caregiver", pk=pk)


@login_required
def kpi(request: HttpRequest) -> HttpResponse:
    data = selectors.certification_kpi(actor=request.user)
    chart = {"names": [r["name"] for r in data["street"]],
             "values": [r["percent"] for r in data["street"]],
             "target": selectors.CERTIFIED_TARGET_PERCENT}
    # Many small facilities: the long lists show the ones below target first.
    worst_first = lambda rows: sorted(rows, key=lambda r: (r["percent"], r["name"]))  # noqa: E731
    groups = [(_("Per district"), data["district"], False),
              (_("Per street"), data["street"], False),
              (_("Per facility"), worst_first(data["facility"]), True),
              (_("Per employer"), worst_first(data["provider"]), True)]
    return _page(request, "workforce/kpi.html", {
        "groups": [(label, rows, long, sum(1 for r in rows if not r["meets"]))
                   for label, rows, long in groups], "chart": chart,
        "target": selectors.CERTIFIED_TARGET_PERCENT, "today": timezone.localdate()})
