"""Home-care API: orders and service credit (mounted under /api/homecare/ by api.py).

Partners (device and platform vendors, API tokens) and staff create orders; a repeated
``Idempotency-Key`` header (or ``idempotency_key`` field) returns the first order (200)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anlao.core.api_support import ERROR_RESPONSES, Page, PageParams, paginate
from anlao.core.periods import month_start
from anlao.core.roles import Role
from anlao.credit import selectors as credit
from anlao.homecare.models import Category, Channel, Order, OrderState
from anlao.homecare.orders import selectors, services

router = Router(tags=["homecare"])


class OrderIn(Schema):
    elder_id: int
    item: str = Field(max_length=32, description="Service item code, e.g. `BATH-HOME`.")
    date: dt.date = Field(description="Service date, today or later.")
    window_start: dt.time = Field(description="e.g. `09:00`.")
    window_end: dt.time
    note: str = Field("", max_length=200)
    idempotency_key: str = Field("", max_length=64, description="Or the `Idempotency-Key` "
                                                                "header.")
    confirm_duplicate: bool = Field(False, description="Book although the elder already has an "
                                    "order for this item, date and window.")


class OrderOut(Schema):
    id: int
    elder_id: int
    elder_name: str
    item: str
    item_name: str
    category: str
    provider: str
    date: dt.date
    window_start: str
    window_end: str
    minutes: int
    price_fen: int
    credit_fen: int
    copay_fen: int
    state: OrderState
    visit_state: str
    channel: str
    care_plan_id: int | None


class OrderQuery(PageParams):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: OrderState | None = None
    category: Category | None = None
    elder_id: int | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=100)


class CreditLineOut(Schema):
    period: dt.date
    kind: str
    category: str
    unit: str
    amount: int
    run_id: int | None
    visit_id: int | None
    created_at: dt.datetime


class CreditOut(Schema):
    elder_id: int
    period: dt.date = Field(description="The current month.")
    balance_fen: int = Field(description="Sum of this month's ledger lines (fen).")
    reserved_fen: int = Field(description="Promised to accepted orders not yet spent.")
    available_fen: int = Field(description="What a new order may still draw on.")
    lines: list[CreditLineOut] = Field(description="The latest 100 ledger lines.")


def _out(o: Order) -> dict[str, Any]:
    return {"id": o.pk, "elder_id": o.elder_id, "elder_name": o.elder.name, "item": o.item.code,
            "item_name": o.item.name, "category": o.item.category, "provider": o.provider.name,
            "date": o.date, "window_start": o.window_start.strftime("%H:%M"),
            "window_end": o.window_end.strftime("%H:%M"), "minutes": o.minutes,
            "price_fen": o.price_fen, "credit_fen": o.credit_fen, "copay_fen": o.copay_fen,
            "state": o.state, "visit_state": o.visit.state, "channel": o.channel,
            "care_plan_id": o.care_plan_id}


def _channel(user: Any) -> str:
    return {Role.PARTNER: Channel.PARTNER, Role.HOTLINE_OPERATOR: Channel.HOTLINE}.get(
        getattr(user, "role", ""), Channel.COMMUNITY)


@router.post("/orders", response={200: OrderOut, 201: OrderOut, **ERROR_RESPONSES},
             summary="Create a home-care order")
def create_order(request: HttpRequest, payload: OrderIn) -> Status:
    """Refused (422) with `code` `no_contract` when no active contract covers the elder's
    street, the day and the item, or `credit_exceeded` when the month's credit plus the
    allowed co-pay cannot cover it. 409 with `code` `duplicate_order` when the elder already
    has an open order for the same item, date and window (send `confirm_duplicate: true` to
    book it anyway). 404 for an elder outside your scope."""
    user = request.auth
    key = (request.headers.get("Idempotency-Key") or payload.idempotency_key).strip()[:64]
    replay = bool(key) and selectors.order_key_used(actor=user, key=key)
    order = services.order_create(
        actor=user, elder=payload.elder_id, item=payload.item, date=payload.date,
        window_start=payload.window_start, window_end=payload.window_end,
        channel=_channel(user), note=payload.note, idempotency_key=key,
        confirm_duplicate=payload.confirm_duplicate)
    return Status(200 if replay else 201, _out(selectors.order_get(actor=user, order_id=order.pk)))


@router.get("/orders", response={200: Page[OrderOut], **ERROR_RESPONSES},
            summary="List orders in your scope")
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> dict[str, Any]:
    f = selectors.OrderFilters(date_from=filters.date_from, date_to=filters.date_to,
                               state=filters.state or "", category=filters.category or "",
                               elder=filters.elder_id)
    return paginate(selectors.orders_for(actor=request.auth, filters=f), filters, _out)


@router.get("/orders/{int:order_id}", response={200: OrderOut, **ERROR_RESPONSES},
            summary="One order")
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return _out(selectors.order_get(actor=request.auth, order_id=order_id))


@router.post("/orders/{int:order_id}/cancel", response={200: OrderOut, **ERROR_RESPONSES},
             summary="Cancel an order whose visit has not started")
def cancel_order(request: HttpRequest, order_id: int, payload: CancelIn) -> dict[str, Any]:
    services.order_cancel(actor=request.auth, order_id=order_id, reason=payload.reason)
    return _out(selectors.order_get(actor=request.auth, order_id=order_id))


class PlanEndIn(Schema):
    end: dt.date = Field(description="The plan's last day; later orders not started are "
                                     "cancelled.")


class PlanOut(Schema):
    id: int
    elder_id: int
    provider_id: int
    item: str
    weekdays: list[int] = Field(description="0 = Monday")
    start: dt.date
    end: dt.date | None
    state: str


@router.post("/plans/{int:plan_id}/end", response={200: PlanOut, **ERROR_RESPONSES},
             summary="End a care plan")
def end_plan(request: HttpRequest, plan_id: int, payload: PlanEndIn) -> dict[str, Any]:
    """Those who may order; a plan outside your scope answers 404, an ended one 422."""
    services.care_plan_end(actor=request.auth, plan_id=plan_id, end=payload.end)
    p = selectors.care_plan_get(actor=request.auth, plan_id=plan_id)
    return {"id": p.pk, "elder_id": p.elder_id, "provider_id": p.provider_id,
            "item": p.item.code, "weekdays": p.weekdays, "start": p.start, "end": p.end,
            "state": p.state}


@router.get("/elders/{int:elder_id}/credit", response={200: CreditOut, **ERROR_RESPONSES},
            summary="An elder's service-credit balance and ledger")
def elder_credit(request: HttpRequest, elder_id: int) -> dict[str, Any]:
    elder, lines = selectors.credit_lines(actor=request.auth, elder_id=elder_id)
    month = month_start(timezone.localdate())
    return {"elder_id": elder.pk, "period": month,
            "balance_fen": credit.balance(elder.pk, month),
            "reserved_fen": credit.reserved(elder.pk, month),
            "available_fen": credit.available(elder.pk, month, ""),
            "lines": [{"period": ln.period, "kind": ln.kind, "category": ln.category,
                       "unit": ln.unit, "amount": ln.amount, "run_id": ln.run_id,
                       "visit_id": ln.visit.pk if ln.visit else None, "created_at": ln.created_at}
                      for ln in lines[:100]]}
