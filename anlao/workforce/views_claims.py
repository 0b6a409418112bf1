"""Quarterly subsidy claim pages: list and create, detail with its lines, actions, Excel."""

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
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.http import error_text, service_errors_as_http
from anlao.core.masking import mask_id_number
from anlao.core.money import format_fen
from anlao.core.periods import previous_quarter
from anlao.core.roles import has_perm
from anlao.workforce import exports, selectors, services
from anlao.workforce.models import BatchState
from anlao.workforce.present import line_texts

STATE_CSS = {BatchState.DRAFT: "text-bg-secondary", BatchState.COMPUTED: "text-bg-info",
             BatchState.APPROVED: "text-bg-success", BatchState.EXPORTED: "text-bg-dark"}


def _can_see_claims(user: Any) -> bool:
    return (has_perm(user, "subsidy.claim") or has_perm(user, "subsidy.approve")
            or (has_perm(user, "workforce.view") and user.role == "auditor"))


def _page(request: HttpRequest, template: str, ctx: dict[str, Any]) -> HttpResponse:
    if not _can_see_claims(request.user):
        raise DjangoPermissionDenied
    ctx.update(nav="workforce", can_write=has_perm(request.user, "workforce.write"),
               can_claims=True)
    return render(request, template, ctx)


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _create(request)
    year, quarter = previous_quarter(timezone.localdate())
    batches = [{"b": b, "css": STATE_CSS[b.state], "total": format_fen(b.total_fen)}
               for b in selectors.batches_visible(actor=request.user)[:100]]
    areas = [a for a in areas_for(actor=request.user)
             if a.level in (AreaLevel.DISTRICT, AreaLevel.STREET)]
    return _page(request, "workforce/batch_list.html", {
        "batches": batches, "areas": areas, "year": year, "quarter": quarter,
        "can_claim": has_perm(request.user, "subsidy.claim")})


def _create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    try:
        b = services.batch_create(actor=request.user, year=int(p.get("year") or 0),
                                  quarter=int(p.get("quarter") or 0), area_id=p.get("area"))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except (ServiceError, ValueError) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ServiceError)
                       else _("Year and quarter must be numbers."))
        return redirect("workforce:claims")
    return redirect("workforce:claim", pk=b.pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        b = selectors.batch_get(actor=request.user, batch_id=pk)
    except NotFound as exc:
        raise Http404(_("No such claim.")) from exc
    lines = [{"ln": ln, "id": mask_id_number(ln.caregiver.id_number),
              "post": format_fen(ln.post_fen), "bonus": format_fen(ln.bonus_fen),
              "total": format_fen(ln.total_fen), "why": line_texts(ln.explanation)}
             for ln in b.lines.select_related("caregiver", "facility")]
    u = request.user
    buttons = []
    if b.state in (BatchState.DRAFT, BatchState.COMPUTED) and has_perm(u, "subsidy.claim"):
        buttons.append(("compute", _("Compute from the records"), "btn-primary"))
    own = b.computed_by_id == u.pk
    if b.state == BatchState.COMPUTED and has_perm(u, "subsidy.approve") and not own:
        buttons.append(("approve", _("Approve"), "btn-success"))
    if b.state in (BatchState.APPROVED, BatchState.EXPORTED) and has_perm(u, "subsidy.approve"):
        buttons.append(("export", _("Export to Excel"), "btn-outline-dark"))
    return _page(request, "workforce/batch_detail.html", {
        "b": b, "css": STATE_CSS[b.state], "lines": lines, "total": format_fen(b.total_fen),
        "paid": sum(1 for x in lines if x["ln"].total_fen), "buttons": buttons,
        "four_eyes_note": own and b.state == BatchState.COMPUTED})


@login_required
@require_POST
def batch_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    fn = {"compute": services.batch_compute, "approve": services.batch_approve,
          "export": services.batch_export}.get(action)
    if fn is None:
        raise Http404
    try:
        with service_errors_as_http():
            b = fn(actor=request.user, batch_id=pk)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("workforce:claim", pk=pk)
    if action == "export":
        resp = HttpResponse(exports.batch_workbook(b), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        resp["Content-Disposition"] = (
            f'attachment; filename="caregiver-subsidy-{b.label}-{b.area.code}.xlsx"')
        return resp
    messages.success(request, {"compute": _("Claim computed."),
                               "approve": _("Claim approved.")}[action])
    return redirect("workforce:claim", pk=pk)
