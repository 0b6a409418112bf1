"""The review page of a run's fraud and error checks, and the life-verification worklist.
Reads go through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from anlao.areas.selectors import communities_for
from anlao.benefits import pages
from anlao.benefits.checks import selectors, services
from anlao.benefits.checks.rules import CHECKS
from anlao.benefits.policy.selectors import programs_for
from anlao.core import rules
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.masking import mask_id_number
from anlao.core.roles import has_perm


def _review(request: HttpRequest) -> None:
    try:
        services.finding_review(actor=request.user,
                                finding_id=int(request.POST.get("id") or 0),
                                status=request.POST.get("status", ""),
                                note=request.POST.get("note", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except (ServiceError, PermissionDenied, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("No such finding.")))
    else:
        messages.success(request, _("The finding was updated."))


PROBLEMS = {"too_old": _lazy("older than %(max)s"), "too_young": _lazy("younger than %(min)s"),
            "id_mismatch": _lazy("birth date differs from the ID number")}
STATUSES = {"deceased": _lazy("deceased"), "moved_out": _lazy("moved out")}


def describe(rule: str, d: dict[str, Any]) -> str:
    """One line a reviewer can read, from a finding's detail JSON (no full numbers in it)."""
    if rule == "deceased_or_moved":
        return f"{STATUSES.get(d.get('status'), d.get('status'))} {d.get('status_date') or ''}"
    if rule == "id_in_two_districts":
        return _("also on record #%(ids)s (community %(codes)s)") % {
            "ids": ", #".join(str(o["elder_id"]) for o in d.get("others", [])),
            "codes": ", ".join(o["community_code"] for o in d.get("others", []))}
    if rule == "shared_account":
        return _("%(bank)s %(account)s: %(n)s elders of %(h)s households") % {
            "bank": d.get("bank"), "account": d.get("account"), "n": d.get("elders"),
            "h": d.get("households")}
    if rule == "implausible_age":
        return _("age %(age)s, born %(birth)s: %(problem)s") % {
            "age": d.get("age"), "birth": d.get("birth_date"),
            "problem": str(PROBLEMS.get(d.get("problem"), d.get("problem"))) % d}
    if rule == "exclusive_programs":
        return _("also paid by %(programs)s") % {
            "programs": ", ".join(f"{o['program']} (#{o['run_id']})" for o in d.get("others", []))}
    return ""


def _rows(pairs: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
    return [{"f": f, "elder": e, "masked_id": mask_id_number(e.id_number),
             "rule": CHECKS.title_of(f.rule),
             "detail": describe(f.rule, f.detail)} for f, e in pairs]


@login_required
def run_checks(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.run_for_findings(actor=request.user, run_id=pk)
    except NotFound as exc:
        raise Http404(_("No such benefit run.")) from exc
    if request.method == "POST":
        _review(request)
        return redirect(request.get_full_path())
    f = rules.review_filters(CHECKS, request.GET)
    qs = selectors.findings_for(actor=request.user, run=run, rule=f.rule, status=f.status)
    page = rules.review_page(qs, request.GET, per_page=100)
    language = get_language() or "zh"
    names = {p.code: p.title(language) for p in programs_for(actor=request.user)}
    return render(request, "benefits/checks.html", {
        "nav": "benefits", "run": run, "program_name": names.get(run.program, run.program),
        "counts": selectors.rule_counts(run), "rule": f.rule, "status": f.status,
        "statuses": CHECKS.store.choices(), "page": page, "store": CHECKS.store,
        "query": rules.query_without_page(request.GET),
        "rows": _rows(selectors.with_elders(actor=request.user, findings=list(page))),
        "can_review": has_perm(request.user, "benefit.approve"),
        **pages.tab_flags(request.user),
    })


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """Per community: who is due for life verification and who is overdue (payment stopped)."""
    if not (has_perm(request.user, "life.record") or has_perm(request.user, "benefit.view")):
        raise DjangoPermissionDenied
    programs = [p for p in programs_for(actor=request.user)
                if any(v.life for v in p.versions)]
    communities = communities_for(actor=request.user).order_by("code")
    q = {"program": request.GET.get("program") or (programs[0].code if programs else ""),
         "community": request.GET.get("community") or (
             communities[0].code if communities else "")}
    ctx: dict[str, Any] = {"nav": "benefits", "q": q, "programs": programs, "lang": pages.lang(),
                           "communities": communities, "error": "", "work": None,
                           **pages.tab_flags(request.user)}
    if q["program"] and q["community"]:
        try:
            ctx["work"] = selectors.worklist(actor=request.user, program=q["program"],
                                             community_code=q["community"])
        except (ServiceError, PermissionDenied) as exc:
            ctx["error"] = exc.message
    return render(request, "benefits/worklist.html", ctx)
