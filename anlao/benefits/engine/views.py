"""The "why" page: one elder's evaluation, month by month and condition by condition."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from anlao.benefits import pages
from anlao.benefits.engine import selectors
from anlao.benefits.engine.evaluation import Explanation
from anlao.benefits.policy import labels
from anlao.benefits.policy.programs import load_programs
from anlao.benefits.policy.selectors import programs_for
from anlao.benefits.runs.selectors import deductions_for
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.money import format_fen
from anlao.core.roles import has_perm
from anlao.people.selectors import elder_get


def explanation_context(why: Explanation, lang: str) -> dict[str, Any]:
    program = load_programs()[why.program]
    months = []
    for m in why.months:
        months.append({"month": m.month, "age": m.age, "status": m.status,
                       "amount": format_fen(m.amount_fen), "tier": m.tier,
                       "checks": [{"label": c.label[lang], "text": c.text, "passed": c.passed,
                                   "leaves": c.leaves} for c in m.checks]})
    return {"why": why, "program_name": program.title(lang), "months": months,
            "amount": format_fen(why.amount_fen), "reason": labels.reason_label(why.fail)
            if why.fail and why.fail.startswith("exclusive:") else labels.reason_label(why.reason),
            "paid": why.amount_fen > 0}


@login_required
def explain(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "benefit.explain"):
        raise DjangoPermissionDenied
    q = {k: request.GET.get(k, "").strip() for k in ("program", "period", "elder")}
    ctx: dict[str, Any] = {"q": q, "nav": "benefits", "error": "",
                           "programs": programs_for(actor=request.user)}
    if all(q.values()):
        try:
            why = selectors.explain_elder(actor=request.user, program=q["program"],
                                          period=q["period"], elder_id=q["elder"])
        except NotFound as exc:
            raise Http404(_("No such elder or program.")) from exc
        except (ServiceError, PermissionDenied) as exc:
            ctx["error"] = exc.message
        else:
            ctx.update(explanation_context(why, pages.lang()))
            ctx["elder"] = elder = elder_get(actor=request.user, elder_id=q["elder"])
            ctx["deductions"] = deductions_for(
                actor=request.user, program=q["program"], period=q["period"], elder_id=elder.pk)
    template = "benefits/_explain.html" if request.headers.get("HX-Request") else \
        "benefits/explain.html"
    return pages.page(request, template, ctx)
