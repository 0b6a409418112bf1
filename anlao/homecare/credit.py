"""The service-credit ledger: grants from benefit runs, spends per verified visit, refunds,
and the month-end close (expiry or roll-over). The balance is always SUM(amount); no line is
ever changed or deleted, so every yuan is traceable to a run or a visit.

Buckets: a line with a category belongs to that category's credit; a blank category is credit
for any service. A spend draws from the item's own category first when that bucket has a
balance, else from the general bucket (one spend line per visit: the ledger's unique key).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.benefits.models import FINAL_STATES, BenefitRun, Entitlement
from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.roles import require
from anlao.homecare.models import CreditEntry, CreditKind, CreditUnit, Order, Visit


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _sum(qs: Any) -> int:
    return int(qs.aggregate(s=Sum("amount"))["s"] or 0)


def balance(elder_id: int, period: dt.date, *, category: str | None = None,
            unit: str = CreditUnit.FEN) -> int:
    """Credit left for ``period`` (a month). ``category``: that bucket plus the general one;
    ``None``: every bucket."""
    qs = CreditEntry.objects.filter(elder_id=elder_id, period=month_of(period), unit=unit)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category=""))
    return _sum(qs)


def reserved(elder_id: int, period: dt.date, *, exclude_order: int | None = None) -> int:
    """Credit promised to accepted orders of the month whose visit is not yet spent."""
    start = month_of(period)
    qs = Order.objects.filter(elder_id=elder_id, date__gte=start, date__lt=next_month(start),
                              state__in=["accepted", "done"]).exclude(
        visit__credit_entries__kind=CreditKind.SPEND)
    if exclude_order:
        qs = qs.exclude(pk=exclude_order)
    return int(qs.aggregate(s=Sum("credit_fen"))["s"] or 0)


def available(elder_id: int, period: dt.date, category: str) -> int:
    """What a new order of ``category`` may still draw on this month (never negative)."""
    return max(0, balance(elder_id, period, category=category) - reserved(elder_id, period))


# --- grants ----------------------------------------------------------------------------------

def _service_credit_program(code: str) -> bool:
    from anlao.benefits.policy import load_programs

    program = load_programs().get(code)
    return program is not None and program.payout == "service_credit"


@transaction.atomic
def credit_grant_from_run(*, actor: Any, run: BenefitRun) -> int:
    """One grant line per paid entitlement of an approved service-credit run. Idempotent:
    elders already granted by this run are skipped (and the ledger's unique key backs it)."""
    require(actor, "benefit.approve")
    run = BenefitRun.objects.select_for_update().get(pk=run.pk)
    if run.state not in FINAL_STATES:
        raise ServiceError(_("Only an approved run can grant service credit."), code="state")
    if not _service_credit_program(run.program):
        raise ServiceError(_("This program is not paid as service credit."), code="payout")
    period = dt.date.fromisoformat(f"{run.period}-01")
    done = set(CreditEntry.objects.filter(run=run, kind=CreditKind.GRANT)
               .values_list("elder_id", flat=True))
    rows = Entitlement.objects.filter(run=run, amount_fen__gt=0).exclude(elder_id__in=done) \
        .values_list("elder_id", "amount_fen", "tier")
    lines = [CreditEntry(elder_id=e, period=period, unit=CreditUnit.FEN, category="",
                         kind=CreditKind.GRANT, amount=fen, run=run, note=tier[:200],
                         created_by=actor if getattr(actor, "pk", None) else None)
             for e, fen, tier in rows.iterator(chunk_size=5000)]
    CreditEntry.objects.bulk_create(lines, batch_size=5000)
    audit(actor=actor, action="credit.grant", obj=run, after={
        "program": run.program, "period": run.period, "lines": len(lines),
        "total_fen": sum(x.amount for x in lines)})
    return len(lines)


def credit_grant_for_month(*, actor: Any, period: dt.date) -> int:
    """Grant the month's credit from every approved service-credit run of that month."""
    runs = BenefitRun.objects.filter(period=f"{period:%Y-%m}", state__in=FINAL_STATES)
    return sum(credit_grant_from_run(actor=actor, run=r) for r in runs
               if _service_credit_program(r.program))


# --- spends and refunds ----------------------------------------------------------------------

def _bucket(elder_id: int, period: dt.date, category: str) -> str:
    own = _sum(CreditEntry.objects.filter(elder_id=elder_id, period=period,
                                          unit=CreditUnit.FEN, category=category))
    return category if own > 0 else ""


@transaction.atomic
def credit_spend_for_visit(*, visit: Visit, actor: Any = None) -> CreditEntry | None:
    """Spend credit for a verified visit: min(price, available); the rest is co-pay.

    The order's ``credit_fen``/``copay_fen`` are set to what was actually spent (settlement
    reads them). Idempotent: a visit already spent returns its line.
    """
    existing = CreditEntry.objects.filter(visit=visit, kind=CreditKind.SPEND,
                                          unit=CreditUnit.FEN).first()
    if existing is not None:
        return existing
    order = Order.objects.select_for_update().get(pk=visit.order_id)
    period = month_of(order.date)
    # lock the elder's month: two visits verified at once must not both spend the last yuan
    list(CreditEntry.objects.select_for_update().filter(elder_id=order.elder_id, period=period))
    spend = min(order.price_fen, max(0, balance(order.elder_id, period,
                                                category=order.item.category)))
    order.credit_fen, order.copay_fen = spend, order.price_fen - spend
    order.save(update_fields=["credit_fen", "copay_fen", "updated_at"])
    line = None
    if spend > 0:
        line = CreditEntry.objects.create(
            elder_id=order.elder_id, period=period, unit=CreditUnit.FEN,
            category=_bucket(order.elder_id, period, order.item.category),
            kind=CreditKind.SPEND, amount=-spend, visit=visit,
            note=f"{order.item.code} {order.date:%Y-%m-%d}",
            created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="credit.spend", obj=visit, after={
        "order": order.pk, "credit_fen": spend, "copay_fen": order.copay_fen})
    return line


@transaction.atomic
def credit_refund_for_visit(*, visit: Visit, actor: Any = None) -> CreditEntry | None:
    """Give back what a visit spent when it is later rejected (once)."""
    spent = CreditEntry.objects.filter(visit=visit, kind=CreditKind.SPEND).first()
    if spent is None:
        return None
    done = CreditEntry.objects.filter(visit=visit, kind=CreditKind.REFUND,
                                      unit=spent.unit).first()
    if done is not None:
        return done
    line = CreditEntry.objects.create(
        elder_id=spent.elder_id, period=spent.period, unit=spent.unit, category=spent.category,
        kind=CreditKind.REFUND, amount=-spent.amount, visit=visit,
        note=_("visit rejected"), created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="credit.refund", obj=visit, after={"amount": line.amount})
    return line


# --- month end -------------------------------------------------------------------------------

@transaction.atomic
def credit_close_month(*, actor: Any, period: dt.date, rollover: bool | None = None,
                       now: dt.datetime | None = None) -> dict[str, int]:
    """Close a past month: each positive balance expires, or rolls into the next month when
    ``settings.HOMECARE["CREDIT_ROLLOVER"]``. Re-running finds nothing left to close."""
    require(actor, "benefit.approve")
    period = month_of(period)
    today = timezone.localtime(now or timezone.now()).date()
    if next_month(period) > today:
        raise ServiceError(_("A month can be closed only after it has ended."), code="period")
    if rollover is None:
        rollover = bool(settings.HOMECARE.get("CREDIT_ROLLOVER", False))
    open_rows = (CreditEntry.objects.filter(period=period)
                 .values("elder_id", "unit", "category").annotate(left=Sum("amount"))
                 .filter(left__gt=0).order_by("elder_id", "unit", "category"))
    lines, total = [], 0
    who = actor if getattr(actor, "pk", None) else None
    for row in open_rows.iterator(chunk_size=5000):
        base = {"elder_id": row["elder_id"], "unit": row["unit"], "category": row["category"],
                "created_by": who}
        lines.append(CreditEntry(**base, period=period, kind=CreditKind.EXPIRE,
                                 amount=-row["left"],
                                 note=_("rolled over") if rollover else _("expired")))
        if rollover:
            lines.append(CreditEntry(**base, period=next_month(period),
                                     kind=CreditKind.ROLLOVER, amount=row["left"],
                                     note=f"{period:%Y-%m}"))
        total += row["left"]
    CreditEntry.objects.bulk_create(lines, batch_size=5000)
    result = {"elders": len({x.elder_id for x in lines}), "total": total,
              "rollover": int(rollover)}
    audit(actor=actor, action="credit.close_month", entity="homecare.creditentry",
          entity_id=f"{period:%Y-%m}", after=result)
    return result
