"""Reads of the service-credit ledger: balance, holds, what is promised, what is available.

These are the ledger's arithmetic for one elder the caller has already been allowed to see
(through its own scoped selector); they take no actor. A consumer that promises credit outside
the ledger (home care's accepted orders, until they hold) registers a reservation function, so
that every consumer's ``available`` subtracts every other consumer's promises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from anlao.core.periods import month_start
from anlao.credit.models import HOLD_KINDS, CreditEntry, CreditKind, CreditUnit

# (elder_id, period) -> credit (fen) promised outside the ledger for that month
Reservation = Callable[[int, dt.date], int]
_reservations: list[Reservation] = []


def register_reservation(fn: Reservation) -> None:
    """Count ``fn``'s promises in every ``reserved``/``available`` (from ``AppConfig.ready``)."""
    if fn not in _reservations:
        _reservations.append(fn)


def sum_amount(qs: QuerySet[CreditEntry]) -> int:
    return int(qs.aggregate(s=Sum("amount"))["s"] or 0)


def balance(elder_id: int, period: dt.date, *, category: str | None = None,
            unit: str = CreditUnit.FEN) -> int:
    """Credit left for ``period`` (a month), holds not counted. ``category``: that bucket plus
    the general one; ``None``: every bucket."""
    qs = CreditEntry.objects.filter(elder_id=elder_id, period=month_start(period), unit=unit) \
        .exclude(kind__in=HOLD_KINDS)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category=""))
    return sum_amount(qs)


def held(elder_id: int, period: dt.date, *, unit: str = CreditUnit.FEN) -> int:
    """Credit held by open holds of the month (every bucket)."""
    return -sum_amount(CreditEntry.objects.filter(
        elder_id=elder_id, period=month_start(period), unit=unit, kind__in=HOLD_KINDS))


def reserved(elder_id: int, period: dt.date) -> int:
    """Credit (fen) promised for the month and not yet spent: open holds plus what the
    registered consumers promise outside the ledger."""
    start = month_start(period)
    return held(elder_id, start) + sum(fn(elder_id, start) for fn in _reservations)


def available(elder_id: int, period: dt.date, category: str) -> int:
    """What a new order of ``category`` may still draw on this month (never negative)."""
    return max(0, balance(elder_id, period, category=category) - reserved(elder_id, period))


def line_for(source: str, source_id: int, kind: str, *,
             unit: str | None = None) -> CreditEntry | None:
    """The line of ``kind`` a source record wrote (at most one per elder and unit)."""
    qs = CreditEntry.objects.filter(source=source, source_id=source_id, kind=kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("id").first()


def lines_for(source: str, source_id: int) -> QuerySet[CreditEntry]:
    """Every line a source record wrote, oldest first."""
    return CreditEntry.objects.filter(source=source, source_id=source_id).order_by("id")


def has_line(source: str, ref: str | Any, kind: str = CreditKind.SPEND) -> Exists:
    """``Exists`` for querysets of a consumer: its record (``OuterRef(ref)``) wrote a line of
    ``kind`` (e.g. the visits already spent)."""
    return Exists(CreditEntry.objects.filter(source=source, source_id=OuterRef(ref), kind=kind))
