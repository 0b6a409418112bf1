"""Payment pages: bank files, the return file, an elder's accounts and verifications, and the
overpayment ledger. Reads go through selectors, writes through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlao.benefits import pages
from anlao.benefits.checks import services as checks
from anlao.benefits.models import Recovery, RunState, VerifyMethod
from anlao.benefits.payments import bankfiles, exports, selectors, services
from anlao.benefits.policy.programs import load_programs
from anlao.benefits.runs import recovery
from anlao.core.audit import log_access
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.money import yuan_to_fen
from anlao.core.reveal import RevealReason
from anlao.core.roles import has_perm

FILES = {"csv": ("text/csv; charset=utf-8", "bank.csv"),
         "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "bank.xlsx"),
         "pdf": ("application/pdf", "list.pdf")}


@login_required
def run_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The bank file (CSV / Excel) or the printable list (PDF); each download is logged."""
    run = pages.run_or_404(request, pk)
    if kind not in FILES:
        raise Http404
    if not has_perm(request.user, "payment.view"):
        raise DjangoPermissionDenied
    if run.state != RunState.EXPORTED:
        raise Http404(_("The run has not been exported."))
    log_access(actor=request.user, obj=run, field=f"bank_file.{kind}", reason="download",
               ip=request.META.get("REMOTE_ADDR"))
    program = load_programs().get(run.program)
    body = {"csv": exports.bank_csv, "xlsx": exports.bank_xlsx}.get(kind)
    data = body(run) if body else exports.community_pdf(
        run, program.title(pages.lang()) if program else run.program)
    response = HttpResponse(data, content_type=FILES[kind][0])
    name = f"{run.program}-{run.period}-{run.area.code}-{FILES[kind][1]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def run_return(request: HttpRequest, pk: int) -> HttpResponse:
    run = pages.run_or_404(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ServiceError(_("Choose the bank's return file."))
        if upload.size > 20 * 1024 * 1024:
            raise ServiceError(_("The file is larger than 20 MB."))
        counts = services.return_import(actor=request.user, run_id=run.pk,
                                        content=upload.read())
    except ValidationFailed as exc:
        messages.error(request, _("The return file was refused; nothing was changed."))
        for line in exc.errors.get("file", [])[:20]:
            messages.error(request, line)
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Return file applied: %(paid)s paid, %(failed)s failed.")
                         % counts)
    return redirect("benefits:run", pk=pk)


def _elder_post(request: HttpRequest, elder_id: int, ctx: dict[str, Any]) -> bool:
    """Handle one form of the elder's payment page; True when it saved something."""
    action, post = request.POST.get("action"), request.POST
    try:
        if action == "account":
            services.account_set(actor=request.user, elder_id=elder_id,
                                 bank=post.get("bank", ""),
                                 account_number=post.get("account_number", ""),
                                 holder=post.get("holder", ""))
            messages.success(request, _("The payment account was saved."))
        elif action == "verify":
            try:
                day = dt.date.fromisoformat(post.get("verified_on", ""))
            except ValueError as exc:
                raise ValidationFailed({"verified_on": [_("Enter a date.")]}) from exc
            checks.verification_record(actor=request.user, elder_id=elder_id,
                                       verified_on=day, method=post.get("method", ""),
                                       note=post.get("note", ""))
            messages.success(request, _("The verification was recorded."))
        elif action == "reveal":
            ctx["revealed"] = services.account_reveal(
                actor=request.user, account_id=int(post.get("account") or 0),
                reason=RevealReason.PAYMENT, note=_("payment accounts page"),
                ip=request.META.get("REMOTE_ADDR"))
            ctx["revealed_id"] = int(post.get("account") or 0)
            return False
        return True
    except ValidationFailed as exc:
        ctx["errors"], ctx["form"] = exc.errors, post
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, exc.message)
    return False


@login_required
def elder_payment(request: HttpRequest, elder_id: int) -> HttpResponse:
    """An elder's payment accounts (masked, with history) and life verifications."""
    ctx: dict[str, Any] = {"nav": "benefits", "errors": {}, "form": {}}
    try:
        data = selectors.elder_payment_data(actor=request.user, elder_id=elder_id)
    except NotFound as exc:
        raise Http404(_("No such elder.")) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    if request.method == "POST" and _elder_post(request, elder_id, ctx):
        return redirect("benefits:elder_payment", elder_id=elder_id)
    ctx.update(data)
    ctx.update({"banks": bankfiles.BANKS, "methods": VerifyMethod.choices,
                "can_account": has_perm(request.user, "payment.account"),
                "can_verify": has_perm(request.user, "life.record")})
    return render(request, "benefits/elder_payment.html", ctx)


@login_required
def overpayments(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "payment.view"):
        raise DjangoPermissionDenied
    if request.method == "POST":
        try:
            services.overpayment_update(
                actor=request.user, overpayment_id=int(request.POST.get("id") or 0),
                status=request.POST.get("status", ""),
                recovered_fen=yuan_to_fen(request.POST.get("recovered") or "0"),
                note=request.POST.get("note", ""))
            messages.success(request, _("The overpayment was updated."))
        except (ServiceError, PermissionDenied) as exc:
            messages.error(request, exc.message)
        except (ValueError, ArithmeticError):
            messages.error(request, _("Enter the recovered amount in yuan, e.g. 100.00."))
        return redirect("benefits:overpayments")
    status = request.GET.get("status", "")
    return render(request, "benefits/overpayments.html", {
        "nav": "benefits", "rows": selectors.overpayment_rows(actor=request.user, status=status),
        "status": status, "statuses": Recovery.choices, **pages.tab_flags(request.user),
        "can_manage": has_perm(request.user, "payment.manage"),
        "recovery_share": recovery.share()})
