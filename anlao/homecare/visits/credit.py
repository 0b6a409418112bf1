"""A verified visit spends the elder's service credit; a rejected one gets it back.

Home care's side of the credit ledger (``anlao.credit``): the visit is the source of its
lines, and the order records what was actually covered (settlement reads it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anlao.credit import services as ledger
from anlao.credit.models import CreditEntry, CreditKind, CreditUnit
from anlao.credit.selectors import line_for
from anlao.homecare.models import VISIT_CREDIT_SOURCE, Order, Visit


@transaction.atomic
def credit_spend_for_visit(*, visit: Visit, actor: Any = None) -> CreditEntry | None:
    """Spend credit for a verified visit: min(price, balance); the rest is co-pay.

    The order's ``credit_fen``/``copay_fen`` are set to what was actually spent (settlement
    reads them). Idempotent: a visit already spent returns its line.
    """
    existing = line_for(VISIT_CREDIT_SOURCE, visit.pk, CreditKind.SPEND, unit=CreditUnit.FEN)
    if existing is not None:
        return existing
    order = Order.objects.select_for_update().select_related("item").get(pk=visit.order_id)
    line = ledger.credit_spend(
        actor=actor, elder_id=order.elder_id, period=order.date, amount=order.price_fen,
        source=VISIT_CREDIT_SOURCE, source_id=visit.pk, category=order.item.category,
        note=f"{order.item.code} {order.date:%Y-%m-%d}", detail={"order": order.pk})
    spend = -line.amount if line is not None else 0
    order.credit_fen, order.copay_fen = spend, order.price_fen - spend
    order.save(update_fields=["credit_fen", "copay_fen", "updated_at"])
    return line


def credit_refund_for_visit(*, visit: Visit, actor: Any = None) -> CreditEntry | None:
    """Give back what a visit spent when it is later rejected (once)."""
    return ledger.credit_refund(actor=actor, source=VISIT_CREDIT_SOURCE, source_id=visit.pk,
                                note=_("visit rejected"))
