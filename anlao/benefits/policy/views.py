"""Program pages: the programs and each one's policy, in plain words."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from anlao.benefits import pages
from anlao.benefits.policy import selectors
from anlao.benefits.policy.present import program_context
from anlao.core.errors import NotFound


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = [program_context(p, pages.lang())
                for p in selectors.programs_for(actor=request.user)]
    return pages.page(request, "benefits/program_list.html", {"programs": programs})


@login_required
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        program = selectors.program_get(actor=request.user, code=code)
    except NotFound as exc:
        raise Http404(_("No such benefit program.")) from exc
    return pages.page(request, "benefits/program_detail.html",
                      {"p": program_context(program, pages.lang())})
