"""What every benefit page shares: the tabs the actor sees, the language, the run lookup."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from anlao.benefits.models import BenefitRun
from anlao.benefits.runs import selectors
from anlao.core.errors import NotFound
from anlao.core.roles import has_perm


def lang() -> str:
    """The policy files' language key for the request: ``zh`` or ``en``."""
    return "zh" if (get_language() or "zh").startswith("zh") else "en"


def tab_flags(actor: Any) -> dict[str, bool]:
    """Which benefit tabs the actor sees (templates/benefits/_tabs.html)."""
    return {"can_runs": has_perm(actor, "benefit.view"),
            "can_life": has_perm(actor, "life.record") or has_perm(actor, "benefit.view"),
            "can_pay": has_perm(actor, "payment.view"),
            "can_simulate": has_perm(actor, "benefit.compute")}


def page(request: HttpRequest, template: str, ctx: dict[str, Any]) -> HttpResponse:
    """Render a benefits page with the tab flags and the benefits nav entry."""
    ctx.setdefault("nav", "benefits")
    ctx["can_runs"] = has_perm(request.user, "benefit.view")
    ctx.update(tab_flags(request.user))
    return render(request, template, ctx)


def run_or_404(request: HttpRequest, pk: int) -> BenefitRun:
    try:
        return selectors.run_get(actor=request.user, run_id=pk)
    except NotFound as exc:
        raise Http404(_("No such benefit run.")) from exc
