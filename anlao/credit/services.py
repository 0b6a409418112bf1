"""Writes to the service-credit ledger: grant, hold, release, spend, refund, adjust, and the
month-end close (expiry or roll-over). No line is ever changed or deleted, so every yuan is
traceable to its source.

Buckets: a line with a category belongs to that category's credit; a blank category is credit
for any service. A spend or a hold draws from its category's bucket when that bucket has a
balance, else from the general bucket. Each source record writes a line of a kind once (the
ledger's unique key): asking again returns the line already written.

Consumers (home care now, meals and renovation later) call these from their own services,
which check the actor's permission for their action; only the ledger-wide steps (grants from
runs, adjustments, the month-end close) check one here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.benefits.models import FINAL_STATES, BenefitRun, Entitlement
from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.periods import month_start, next_month, parse_month
from anlao.core.roles import require
from anlao.credit.models import HOLD_KINDS, RUN_SOURCE, CreditEntry, CreditKind, CreditUnit
from anlao.credit.selectors import (
    available,
    balance,
    held,
    line_for,
    sum_amount,
)


def _who(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _lock_month(elder_id: int, period: dt.date) -> None:
    """Two writers of one elder's month queue here: neither may spend the other's last yuan."""
    list(CreditEntry.objects.select_for_update().filter(elder_id=elder_id, period=period)
         .values_list("pk", flat=True))


def _bucket(elder_id: int, period: dt.date, category: str, unit: str) -> str:
    own = sum_amount(CreditEntry.objects.filter(
        elder_id=elder_id, period=period, unit=unit, category=category)
        .exclude(kind__in=HOLD_KINDS))
    return category if category and own > 0 else ""


def _existing(source: str, source_id: int, kind: str, elder_id: int,
              unit: str) -> CreditEntry | None:
    return CreditEntry.objects.filter(source=source, source_id=source_id, kind=kind,
                                      elder_id=elder_id, unit=unit).first()


def _free(elder_id: int, period: dt.date, category: str, unit: str) -> int:
    """What a hold may still take: ``available`` in fen; other units have no reservations."""
    if unit == CreditUnit.FEN:
        return available(elder_id, period, category)
    return max(0, balance(elder_id, period, category=category, unit=unit)
               - held(elder_id, period, unit=unit))


@transaction.atomic
def credit_grant(*, actor: Any, elder_id: int, period: dt.date, amount: int, source: str,
                 source_id: int, category: str = "", unit: str = CreditUnit.FEN,
                 note: str = "") -> CreditEntry:
    """Grant ``amount`` for the month of ``period``; once per source record, elder and unit."""
    if amount <= 0:
        raise ServiceError(_("A grant must be a positive amount."), code="amount")
    period = month_start(period)
    existing = _existing(source, source_id, CreditKind.GRANT, elder_id, unit)
    if existing is not None:
        return existing
    line = CreditEntry.objects.create(
        elder_id=elder_id, period=period, unit=unit, category=category, kind=CreditKind.GRANT,
        amount=amount, source=source, source_id=source_id, note=note[:200],
        created_by=_who(actor))
    audit(actor=actor, action="credit.grant", entity=source, entity_id=source_id,
          after={"elder": elder_id, "period": f"{period:%Y-%m}", "amount": amount})
    return line


# --- grants from benefit runs ----------------------------------------------------------------

def _service_credit_program(code: str) -> bool:
    from anlao.benefits.policy.programs import load_programs

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
    period = parse_month(run.period)
    done = set(CreditEntry.objects.filter(run=run, kind=CreditKind.GRANT)
               .values_list("elder_id", flat=True))
    rows = Entitlement.objects.filter(run=run, amount_fen__gt=0).exclude(elder_id__in=done) \
        .values_list("elder_id", "amount_fen", "tier")
    lines = [CreditEntry(elder_id=e, period=period, unit=CreditUnit.FEN, category="",
                         kind=CreditKind.GRANT, amount=fen, run=run, source=RUN_SOURCE,
                         source_id=run.pk, note=tier[:200], created_by=_who(actor))
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


# --- holds and spends ------------------------------------------------------------------------

@transaction.atomic
def credit_hold(*, actor: Any, elder_id: int, period: dt.date, amount: int, source: str,
                source_id: int, category: str = "", unit: str = CreditUnit.FEN,
                note: str = "") -> CreditEntry | None:
    """Earmark up to ``amount`` of what is available for a source (an order); ``None`` when
    nothing is available. A source holds once: asking again returns its hold."""
    period = month_start(period)
    existing = _existing(source, source_id, CreditKind.HOLD, elder_id, unit)
    if existing is not None:
        return existing
    _lock_month(elder_id, period)
    take = min(amount, _free(elder_id, period, category, unit))
    if take <= 0:
        return None
    line = CreditEntry.objects.create(
        elder_id=elder_id, period=period, unit=unit, kind=CreditKind.HOLD, amount=-take,
        category=_bucket(elder_id, period, category, unit), source=source,
        source_id=source_id, note=note[:200], created_by=_who(actor))
    audit(actor=actor, action="credit.hold", entity=source, entity_id=source_id,
          after={"elder": elder_id, "amount": take, "asked": amount})
    return line


@transaction.atomic
def credit_release(*, actor: Any, source: str, source_id: int, unit: str = CreditUnit.FEN,
                   note: str = "") -> CreditEntry | None:
    """Give a source's hold back (an order cancelled, or spent); ``None`` when it held
    nothing. Once: asking again returns the release."""
    hold = line_for(source, source_id, CreditKind.HOLD, unit=unit)
    if hold is None:
        return None
    done = _existing(source, source_id, CreditKind.RELEASE, hold.elder_id, unit)
    if done is not None:
        return done
    line = CreditEntry.objects.create(
        elder_id=hold.elder_id, period=hold.period, unit=unit, category=hold.category,
        kind=CreditKind.RELEASE, amount=-hold.amount, source=source, source_id=source_id,
        note=(note or _("hold released"))[:200], created_by=_who(actor))
    audit(actor=actor, action="credit.release", entity=source, entity_id=source_id,
          after={"elder": hold.elder_id, "amount": line.amount})
    return line


@transaction.atomic
def credit_spend(*, actor: Any, elder_id: int, period: dt.date, amount: int, source: str,
                 source_id: int, category: str = "", unit: str = CreditUnit.FEN,
                 note: str = "", hold: tuple[str, int] | None = None,
                 detail: dict | None = None) -> CreditEntry | None:
    """Spend min(``amount``, balance less other holds) for a source record; the rest is the
    caller's co-pay. ``hold``: the (source, id) whose hold this spend settles (released
    first). ``None`` when nothing could be spent. A source is spent once: asking again
    returns its line. ``detail`` goes into the audit row."""
    period = month_start(period)
    existing = _existing(source, source_id, CreditKind.SPEND, elder_id, unit)
    if existing is not None:
        return existing
    _lock_month(elder_id, period)
    if hold is not None:
        credit_release(actor=actor, source=hold[0], source_id=hold[1], unit=unit)
    left = balance(elder_id, period, category=category, unit=unit) \
        - held(elder_id, period, unit=unit)
    spend = min(amount, max(0, left))
    line = None
    if spend > 0:
        line = CreditEntry.objects.create(
            elder_id=elder_id, period=period, unit=unit,
            category=_bucket(elder_id, period, category, unit), kind=CreditKind.SPEND,
            amount=-spend, source=source, source_id=source_id, note=note[:200],
            created_by=_who(actor))
    audit(actor=actor, action="credit.spend", entity=source, entity_id=source_id,
          after={**(detail or {}), "elder": elder_id, "amount": spend, "asked": amount})
    return line


@transaction.atomic
def credit_refund(*, actor: Any, source: str, source_id: int,
                  note: str = "") -> CreditEntry | None:
    """Give back what a source spent when it is later rejected (once); ``None`` when it spent
    nothing."""
    spent = line_for(source, source_id, CreditKind.SPEND)
    if spent is None:
        return None
    done = _existing(source, source_id, CreditKind.REFUND, spent.elder_id, spent.unit)
    if done is not None:
        return done
    line = CreditEntry.objects.create(
        elder_id=spent.elder_id, period=spent.period, unit=spent.unit, category=spent.category,
        kind=CreditKind.REFUND, amount=-spent.amount, source=source, source_id=source_id,
        note=note[:200], created_by=_who(actor))
    audit(actor=actor, action="credit.refund", entity=source, entity_id=source_id,
          after={"amount": line.amount})
    return line


@transaction.atomic
def credit_adjust(*, actor: Any, elder_id: int, period: dt.date, amount: int, note: str,
                  category: str = "", unit: str = CreditUnit.FEN) -> CreditEntry:
    """A correction by hand, with its reason; it may not take a bucket below zero."""
    require(actor, "benefit.approve")
    if not amount or not note.strip():
        raise ServiceError(_("An adjustment needs an amount and a reason."), code="adjust")
    period = month_start(period)
    _lock_month(elder_id, period)
    own = sum_amount(CreditEntry.objects.filter(
        elder_id=elder_id, period=period, unit=unit, category=category)
        .exclude(kind__in=HOLD_KINDS))
    if own + amount < 0:
        raise ServiceError(_("The adjustment would make the credit negative."), code="negative")
    line = CreditEntry.objects.create(
        elder_id=elder_id, period=period, unit=unit, category=category, kind=CreditKind.ADJUST,
        amount=amount, note=note.strip()[:200], created_by=_who(actor))
    audit(actor=actor, action="credit.adjust", obj=line,
          after={"elder": elder_id, "period": f"{period:%Y-%m}", "amount": amount,
                 "category": category, "note": line.note})
    return line


# --- month end -------------------------------------------------------------------------------

def _release_open_holds(period: dt.date, who: Any) -> int:
    """A closed month keeps no holds: each one still open is released."""
    released = CreditEntry.objects.filter(period=period, kind=CreditKind.RELEASE) \
        .values_list("source", "source_id", "elder_id", "unit")
    done = set(released)
    lines = [CreditEntry(elder_id=h.elder_id, period=period, unit=h.unit, category=h.category,
                         kind=CreditKind.RELEASE, amount=-h.amount, source=h.source,
                         source_id=h.source_id, note=_("month closed"), created_by=who)
             for h in CreditEntry.objects.filter(period=period, kind=CreditKind.HOLD)
             if (h.source, h.source_id, h.elder_id, h.unit) not in done]
    CreditEntry.objects.bulk_create(lines, batch_size=5000)
    return len(lines)


@transaction.atomic
def credit_close_month(*, actor: Any, period: dt.date, rollover: bool | None = None,
                       now: dt.datetime | None = None) -> dict[str, int]:
    """Close a past month: open holds are released, each positive balance expires, or rolls
    into the next month when ``settings.HOMECARE["CREDIT_ROLLOVER"]``. Re-running finds
    nothing left to close."""
    require(actor, "benefit.approve")
    period = month_start(period)
    today = timezone.localtime(now or timezone.now()).date()
    if next_month(period) > today:
        raise ServiceError(_("A month can be closed only after it has ended."), code="period")
    if rollover is None:
        rollover = bool(settings.HOMECARE.get("CREDIT_ROLLOVER", False))
    who = _who(actor)
    _release_open_holds(period, who)
    open_rows = (CreditEntry.objects.filter(period=period).exclude(kind__in=HOLD_KINDS)
                 .values("elder_id", "unit", "category").annotate(left=Sum("amount"))
                 .filter(left__gt=0).order_by("elder_id", "unit", "category"))
    lines, total = [], 0
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
    audit(actor=actor, action="credit.close_month", entity="credit.creditentry",
          entity_id=f"{period:%Y-%m}", after=result)
    return result
