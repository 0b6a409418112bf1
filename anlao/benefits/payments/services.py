"""Writes for payments: elders' bank accounts, exporting a run (its bank file, and the
deductions it recovers), the bank's return file, the overpayment ledger, and a partner's
face-recognition result (rules in ``partner``). Every function checks permission and scope
and audits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.benefits.models import (
    BackPay,
    BenefitRun,
    Deduction,
    Entitlement,
    LifeVerification,
    Overpayment,
    Payment,
    PaymentAccount,
    PaymentKind,
    PaymentStatus,
    Recovery,
    Resend,
    RunKind,
    RunState,
    VerifyMethod,
)
from anlao.benefits.payments import bankfiles, partner
from anlao.benefits.payments.selectors import partner_elder
from anlao.benefits.policy.programs import get_program
from anlao.benefits.runs import selectors
from anlao.benefits.runs import services as runs
from anlao.benefits.runs.supplementary import backpay_claimed_twice
from anlao.core.audit import audit, log_access, snapshot
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.reveal import RevealReason, reveal_reason
from anlao.core.roles import require
from anlao.people.models import Elder
from anlao.people.selectors import elder_get, elders_visible

ACCOUNT_PROBLEMS = {
    "unknown bank": gettext_lazy("Choose a bank from the list."),
    "digits only": gettext_lazy("An account number has digits only."),
    "wrong length": gettext_lazy("This bank's account numbers have %(lo)s to %(hi)s digits."),
    "check digit": gettext_lazy("The check digit does not match: please check the number."),
}


@transaction.atomic
def account_set(*, actor: Any, elder_id: int, bank: str, account_number: str,
                holder: str) -> PaymentAccount:
    """Give an elder a new payment account; the previous one is kept, closed (history)."""
    require(actor, "payment.account")
    elder = elder_get(actor=actor, elder_id=elder_id)
    number = "".join(account_number.split())
    holder = holder.strip()
    errors: dict[str, list[str]] = {}
    problem = bankfiles.account_problem(bank, number)
    if problem:
        lo, hi = bankfiles.BANKS.get(bank, {"lengths": (12, 19)})["lengths"]
        field = "bank" if problem == "unknown bank" else "account_number"
        errors[field] = [str(ACCOUNT_PROBLEMS[problem]) % {"lo": lo, "hi": hi}]
    if not holder or len(holder) > 64:
        errors["holder"] = [_("Enter the account holder's name.")]
    if errors:
        raise ValidationFailed(errors)
    old = PaymentAccount.objects.select_for_update().filter(elder=elder, active=True).first()
    if old is not None:
        old.active, old.closed_at = False, timezone.now()
        old.save(update_fields=["active", "closed_at"])
    account = PaymentAccount.objects.create(elder=elder, bank=bank, account_number=number,
                                            holder=holder, created_by=actor)
    audit(actor=actor, action="payment_account.set", obj=account,
          before={"account": old.masked, "bank": old.bank} if old else None,
          after={"elder_id": elder.pk, "bank": bank, "account": account.masked,
                 "holder": holder})
    return account


def account_reveal(*, actor: Any, account_id: int, reason: str = RevealReason.PAYMENT,
                   note: str = "", ip: str | None = None) -> str:
    """The full account number; every reveal is written to the access log."""
    require(actor, "payment.account")
    account = PaymentAccount.objects.filter(
        pk=account_id, elder__in=elders_visible(actor=actor)).first()
    if account is None:
        raise NotFound(_("No such account."))
    log_access(actor=actor, obj=account, field="account_number",
               reason=reveal_reason(reason, note), ip=ip)
    return account.account_number


def _account_map(elder_ids: list[int]) -> dict[int, PaymentAccount]:
    return {a.elder_id: a for a in PaymentAccount.objects.filter(elder_id__in=elder_ids,
                                                                 active=True)}


def _line(run: BenefitRun, n: int, elder_id: int, kind: str, fen: int, community: str,
          accounts: dict[int, PaymentAccount], source: Payment | None = None) -> Payment:
    acc = accounts.get(elder_id)
    return Payment(run=run, elder_id=elder_id, line=n, kind=kind, amount_fen=fen,
                   bank=acc.bank if acc else "", holder=acc.holder if acc else "",
                   account_number=acc.account_number if acc else "",
                   community_code=community, carried_from=source,
                   status=PaymentStatus.PENDING if acc else PaymentStatus.HELD,
                   fail_reason="" if acc else "no_account")


Row = tuple[int, str, int, str, "Payment | None"]


def _lines(run: BenefitRun) -> list[Row]:
    if run.kind == RunKind.SUPPLEMENTARY:
        return _supplementary_lines(run)
    deducted = dict(Deduction.objects.filter(run=run).values("elder_id").annotate(
        fen=Sum("amount_fen")).values_list("elder_id", "fen"))
    rows: list[Row] = [
        (e, PaymentKind.REGULAR, fen - deducted.get(e, 0), c, None)
        for e, fen, c in Entitlement.objects.filter(run=run).order_by(
            "community_code", "elder_id").values_list("elder_id", "amount_fen", "community_code")
        if fen - deducted.get(e, 0) > 0]
    rows += _backpay_rows(run)
    # Failed and held lines of earlier exported runs of the same program and district,
    # unless a supplementary run claimed them (runs/supplementary.py: no double payment).
    # Not for elders since dead or moved out: what they were owed is settled by hand.
    unsettled = Payment.objects.filter(
        elder__in=Elder.objects.filter(status="active"),
        run__program=run.program, run__area=run.area, run__state=RunState.EXPORTED,
        status__in=[PaymentStatus.FAILED, PaymentStatus.HELD], carried_to__isnull=True,
        resend__isnull=True,
    ).exclude(run=run).order_by("run__period", "line")
    rows += [(p.elder_id, PaymentKind.CARRIED, p.amount_fen, p.community_code, p)
             for p in unsettled]
    return rows


def _backpay_rows(run: BenefitRun) -> list[Row]:
    back = (BackPay.objects.filter(run=run).values("elder_id", "community_code")
            .annotate(fen=Sum("amount_fen")).order_by("community_code", "elder_id"))
    return [(b["elder_id"], PaymentKind.BACKPAY, b["fen"], b["community_code"], None)
            for b in back]


def _supplementary_lines(run: BenefitRun) -> list[Row]:
    """The claimed failed lines (paid again, linked to the line they settle) and back-pay."""
    resends = Resend.objects.filter(run=run).select_related("payment").order_by(
        "community_code", "elder_id", "payment_id")
    rows: list[Row] = [(r.elder_id, PaymentKind.CARRIED, r.amount_fen, r.community_code,
                        r.payment) for r in resends]
    return rows + _backpay_rows(run)


def _refuse_double(run: BenefitRun, rows: list[Row]) -> None:
    carried = [src.pk for *_rest, src in rows if src is not None]
    if Payment.objects.filter(carried_from__in=carried).exists() or \
            backpay_claimed_twice(run):
        raise ServiceError(_("Some of these payments were already paid by another run: "
                             "compute this run again."), code="double")


@transaction.atomic
def _refuse_service_credit(actor: Any, run_id: int) -> None:
    """A service-credit program (``payout: service_credit``) is granted as home-care credit
    (credit.services.credit_grant_from_run), never paid into bank accounts."""
    run = selectors.run_get(actor=actor, run_id=run_id)
    program = get_program(run.program)
    if program.payout == "service_credit":
        raise ServiceError(_("This program is granted as home-care service credit, not paid to "
                             "bank accounts; it has no bank file."), code="service_credit")


def run_export(*, actor: Any, run_id: int) -> BenefitRun:
    """Approved → exported: freeze the run and write its payment lines (the bank file)."""
    require(actor, "payment.manage")
    _refuse_service_credit(actor, run_id)
    run = runs.run_export(actor=actor, run_id=run_id)
    rows = _lines(run)
    _refuse_double(run, rows)
    accounts = _account_map([r[0] for r in rows])
    payments = Payment.objects.bulk_create([
        _line(run, n, e, kind, fen, c, accounts, src)
        for n, (e, kind, fen, c, src) in enumerate(rows, start=1)], batch_size=5000)
    totals = {k: sum(p.amount_fen for p in payments if p.kind == k) for k in PaymentKind.values}
    deducted = _apply_deductions(actor, run)
    if not _reconciles(run, totals, deducted):  # the file must reconcile to the run
        raise ServiceError(_("The payment lines do not add up to the run's total."))
    held = [p for p in payments if p.status == PaymentStatus.HELD]
    run.summary["export"] = {
        "lines": len(payments), "total_fen": sum(totals.values()),
        **{f"{k}_fen": v for k, v in totals.items()}, "deducted_fen": deducted,
        "held": len(held), "held_fen": sum(p.amount_fen for p in held),
        "bank_lines": len(payments) - len(held),
        "bank_fen": sum(totals.values()) - sum(p.amount_fen for p in held)}
    run.save(update_fields=["summary"])
    audit(actor=actor, action="benefit_run.export_payments", obj=run,
          after=run.summary["export"])
    return run


def _apply_deductions(actor: Any, run: BenefitRun) -> int:
    """Book the run's deductions as recovered (at export); returns the total withheld."""
    total = 0
    by_line: dict[int, int] = defaultdict(int)
    for d in Deduction.objects.filter(run=run):
        by_line[d.overpayment_id] += d.amount_fen
    for line in Overpayment.objects.select_for_update().filter(pk__in=list(by_line)):
        before = {"status": line.status, "recovered_fen": line.recovered_fen}
        line.recovered_fen = min(line.amount_fen, line.recovered_fen + by_line[line.pk])
        line.status = (Recovery.RECOVERED if line.recovered_fen == line.amount_fen
                       else Recovery.RECOVERING)
        line.save(update_fields=["recovered_fen", "status"])
        total += by_line[line.pk]
        audit(actor=actor, action="overpayment.deduct", obj=line, before=before,
              after={"status": line.status, "recovered_fen": line.recovered_fen,
                     "run_id": run.pk, "deducted_fen": by_line[line.pk]})
    return total


def _reconciles(run: BenefitRun, totals: dict[str, int], deducted: int) -> bool:
    """Regular lines + deductions = the run's total; a supplementary run: all its lines."""
    if run.kind == RunKind.SUPPLEMENTARY:
        return sum(totals.values()) == run.total_fen
    return totals[PaymentKind.REGULAR] + deducted == run.total_fen


def _run_for(actor: Any, run_id: int) -> BenefitRun:
    run = selectors.runs_in_scope(actor=actor).select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such benefit run."))
    return run


def _check_return(run: BenefitRun, rows: list[bankfiles.ReturnRow],
                  trailer: tuple[int, int] | None) -> tuple[list[str], dict[int, Payment]]:
    by_line = {p.line: p for p in Payment.objects.filter(run=run)}
    errors, seen = [], set()
    for r in rows:
        p = by_line.get(r.line)
        where = {"n": r.number, "line": r.line}
        if p is None or p.status == PaymentStatus.HELD:
            errors.append(_("Row %(n)s: line %(line)s is not in this run's bank file.") % where)
        elif r.line in seen:
            errors.append(_("Row %(n)s: line %(line)s appears twice.") % where)
        elif p.status != PaymentStatus.PENDING:
            errors.append(_("Row %(n)s: line %(line)s was already settled.") % where)
        elif r.account_number != p.account_number:
            errors.append(_("Row %(n)s: the account does not match line %(line)s.") % where)
        elif r.amount_fen != p.amount_fen:
            errors.append(_("Row %(n)s: the amount %(got)s differs from %(want)s.") % {
                **where, "got": bankfiles.yuan(r.amount_fen),
                "want": bankfiles.yuan(p.amount_fen)})
        elif r.result == "failed" and not r.reason:
            errors.append(_("Row %(n)s: a failed payment needs a reason.") % where)
        seen.add(r.line)
    if trailer is None:
        errors.append(_("The TOTAL row is missing."))
    elif trailer != (len(rows), sum(r.amount_fen for r in rows)):
        errors.append(_("The totals do not match the rows: TOTAL says %(count)s lines, "
                        "%(amount)s; the rows hold %(rows)s lines, %(sum)s.") % {
            "count": trailer[0], "amount": bankfiles.yuan(trailer[1]), "rows": len(rows),
            "sum": bankfiles.yuan(sum(r.amount_fen for r in rows))})
    return errors, by_line


@transaction.atomic
def return_import(*, actor: Any, run_id: int, content: bytes) -> dict[str, int]:
    """Apply the bank's return file: all rows are checked first; any error refuses it all."""
    require(actor, "payment.manage")
    run = _run_for(actor, run_id)
    if run.state != RunState.EXPORTED:
        raise ServiceError(_("Only an exported run has a bank file to reconcile."),
                           code="state")
    rows, trailer, errors = bankfiles.parse_return(content)
    if not errors:
        errors, by_line = _check_return(run, rows, trailer)
    if errors or not rows:
        raise ValidationFailed({"file": errors or [_("The file has no rows.")]})
    now = timezone.now()
    for r in rows:
        p = by_line[r.line]
        p.status, p.fail_reason, p.settled_at = r.result, r.reason[:128], now
    Payment.objects.bulk_update([by_line[r.line] for r in rows],
                                ["status", "fail_reason", "settled_at"], batch_size=5000)
    counts = {"paid": sum(r.result == "paid" for r in rows),
              "failed": sum(r.result == "failed" for r in rows),
              "paid_fen": sum(r.amount_fen for r in rows if r.result == "paid")}
    audit(actor=actor, action="benefit_run.return_import", obj=run, after=counts)
    return counts


TRANSITIONS = {Recovery.OPEN: {Recovery.RECOVERING, Recovery.RECOVERED, Recovery.WRITTEN_OFF},
               Recovery.RECOVERING: {Recovery.RECOVERING, Recovery.RECOVERED,
                                     Recovery.WRITTEN_OFF}}


@transaction.atomic
def overpayment_update(*, actor: Any, overpayment_id: int, status: str, recovered_fen: int,
                       note: str = "") -> Overpayment:
    """Record recovery of an overpayment: recovering (part), recovered (all) or written off."""
    require(actor, "payment.manage")
    line = Overpayment.objects.select_for_update().filter(
        pk=overpayment_id, source_run__in=selectors.runs_in_scope(actor=actor)).first()
    if line is None:
        raise NotFound(_("No such overpayment."))
    if status not in TRANSITIONS.get(line.status, set()):
        raise ServiceError(_("This overpayment is closed or cannot move to that status."),
                           field="status")
    ok = {Recovery.RECOVERING: 0 < recovered_fen < line.amount_fen,
          Recovery.RECOVERED: recovered_fen == line.amount_fen,
          Recovery.WRITTEN_OFF: 0 <= recovered_fen < line.amount_fen and bool(note.strip())}
    if not ok[status]:
        raise ServiceError(_("Recovering needs a part of the amount, recovered the whole "
                             "amount, and writing off a note."), field="recovered_fen")
    before = snapshot(line, ["status", "recovered_fen", "note"])
    line.status, line.recovered_fen, line.note = status, recovered_fen, note.strip()[:255]
    line.save(update_fields=["status", "recovered_fen", "note"])
    audit(actor=actor, action="overpayment.update", obj=line, before=before,
          after=snapshot(line, ["status", "recovered_fen", "note"]))
    return line


def partner_report(*, actor: Any, id_number: str, method: str, result: str, at: dt.datetime,
                   reference: str, idempotency_key: str,
                   score: Decimal | None = None) -> partner.Report:
    """Record a partner's face-recognition result once per idempotency key."""
    require(actor, "life.partner")
    key = idempotency_key.strip()[:64]
    if not key:
        raise ValidationFailed({"idempotency_key": [_("An idempotency key is required.")]})
    earlier = LifeVerification.objects.filter(partner=actor.organisation,
                                              idempotency_key=key).first()
    if earlier is not None:
        return partner.Report(earlier, created=False)
    elder = partner_elder(actor=actor, id_number=id_number)
    day = partner.check_report(elder, method, result, at, score)
    try:
        return _partner_record(actor, elder, day, result, reference, key, score)
    except IntegrityError:  # the same message, sent twice at once: the other one won
        return partner.Report(LifeVerification.objects.get(partner=actor.organisation,
                                                   idempotency_key=key), created=False)


@transaction.atomic
def _partner_record(actor: Any, elder: Elder, day: dt.date, result: str, reference: str,
                    key: str, score: Decimal | None) -> partner.Report:
    ref = reference.strip()[:64]
    if result == "fail":  # no proof of life; kept in the audit log only
        audit(actor=actor, action="life_verification.partner_fail", obj=elder,
              after={"verified_on": day.isoformat(), "reference": ref, "key": key})
        return partner.Report(None, created=False)
    row = LifeVerification.objects.create(
        elder=elder, verified_on=day, method=VerifyMethod.FACE, reference=ref, score=score,
        recorded_by=actor, partner=actor.organisation, idempotency_key=key)
    audit(actor=actor, action="life_verification.partner_report", obj=row,
          after={"elder_id": elder.pk, "verified_on": day.isoformat(), "reference": ref,
                 "key": key, "partner": actor.organisation.pk})
    return partner.Report(row, created=True)
