"""The order list as an Excel workbook: the actor's orders under the list's filters, written
through the export kernel and audited like every other export (filters and row count)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from anlao.core import xlsx
from anlao.core.audit import audit
from anlao.core.roles import require
from anlao.homecare.orders.selectors import OrderFilters, orders_for

MAX_ROWS = 50_000


def _header() -> list[str]:
    return [_("Date"), _("Time from"), _("Time until"), _("Elder"), _("Community"),
            _("Service"), _("Provider"), _("Price (yuan)"), _("Credit (yuan)"),
            _("Co-pay (yuan)"), _("State"), _("Visit")]


def _row(o: Any) -> list[Any]:
    return [o.date, o.window_start.strftime("%H:%M"), o.window_end.strftime("%H:%M"),
            o.elder.name, o.elder.residence_area.name, o.item.name, o.provider.name,
            o.price_fen / 100, o.credit_fen / 100, o.copay_fen / 100,
            o.get_state_display(), o.visit.get_state_display()]


@transaction.atomic
def orders_export(*, actor: Any, filters: OrderFilters) -> bytes:
    require(actor, "homecare.view")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Orders")
    xlsx.append(sheet, _header())
    count = 0
    for order in orders_for(actor=actor, filters=filters)[:MAX_ROWS]:
        xlsx.append(sheet, _row(order))
        count += 1
    audit(actor=actor, action="order.export", entity="homecare.order", entity_id="",
          after={"filters": _jsonable(dataclasses.asdict(filters)), "rows": count})
    return xlsx.workbook_bytes(book)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()
            if v not in (None, "")}
