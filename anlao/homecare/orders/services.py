"""Orders and care plans: every write. An order is accepted or refused with the reason; a
refused request stores nothing.

Acceptance: an ACTIVE contract must cover the elder's street, the day and the item (the
provider already serving the elder first, then the lowest price); the month's available credit
(balance minus credit promised to accepted, unspent orders) plus the allowed co-pay
(``settings.HOMECARE["MAX_COPAY_FEN"]``) must cover the price.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit, snapshot
from anlao.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from anlao.core.roles import require
from anlao.credit import selectors as credit
from anlao.homecare.catalog.selectors import contract_items_for, items_active, street_of
from anlao.homecare.models import (
    CarePlan,
    Channel,
    ContractItem,
    Order,
    OrderState,
    PlanState,
    ServiceItem,
    Unit,
    Visit,
    VisitState,
)
from anlao.homecare.orders import selectors
from anlao.people.models import Elder, ElderStatus, ServiceLink

log = logging.getLogger(__name__)
ORDER_FIELDS = ["elder_id", "provider_id", "contract_id", "item_id", "care_plan_id", "channel",
                "date", "window_start", "window_end", "minutes", "price_fen", "credit_fen",
                "copay_fen", "state"]
MAX_DAYS_AHEAD = 92
FREE_VISIT_STATES = (VisitState.UNASSIGNED, VisitState.ASSIGNED)


@dataclass
class Quote:
    line: ContractItem
    minutes: int
    price_fen: int
    credit_fen: int
    copay_fen: int


def _snap(obj: Any, fields: list[str]) -> dict[str, Any]:
    """``core.audit.snapshot`` with times as text (the audit encoder knows dates only)."""
    return {k: v.isoformat() if isinstance(v, dt.time) else v
            for k, v in snapshot(obj, fields).items()}


def price_for(item: ServiceItem, contract_price_fen: int, minutes: int) -> int:
    """Per visit: the contract price; per hour: the price × hours, rounded to the fen."""
    if item.unit == Unit.HOUR:
        return (contract_price_fen * minutes + 30) // 60
    return contract_price_fen


def _contract_line(elder: Elder, item: ServiceItem, day: dt.date) -> ContractItem:
    street = street_of(elder.residence_area)
    lines = list(contract_items_for(street, item, day))
    if not lines:
        raise ServiceError(_("No provider has an active contract for %(item)s in %(street)s on "
                             "%(date)s.") % {"item": item.name, "street": street.name,
                                             "date": day.isoformat()},
                           code="no_contract", field="item")
    serving = set(ServiceLink.objects.filter(elder=elder).values_list("organisation_id",
                                                                      flat=True))
    return next((ln for ln in lines if ln.contract.provider_id in serving), lines[0])


def quote(elder: Elder, item: ServiceItem, day: dt.date) -> Quote:
    """Price and credit split of one service; ``ServiceError`` when it must be refused."""
    line = _contract_line(elder, item, day)
    minutes = item.standard_minutes
    price = price_for(item, line.price_fen, minutes)
    covered = min(price, credit.available(elder.pk, day, item.category))
    copay = price - covered
    allowed = int(settings.HOMECARE["MAX_COPAY_FEN"])
    if copay > allowed:
        raise ServiceError(
            _("Not enough service credit: the order costs %(price)s yuan, the credit left this "
              "month covers %(credit)s yuan and the co-pay may be at most %(copay)s yuan.")
            % {"price": f"{price / 100:.2f}", "credit": f"{covered / 100:.2f}",
               "copay": f"{allowed / 100:.2f}"}, code="credit_exceeded", field="item")
    return Quote(line, minutes, price, covered, copay)


def _check_request(elder: Elder, item: ServiceItem | None, day: Any, start: Any, end: Any,
                   channel: str, today: dt.date, *, past_ok: bool = False) -> None:
    e: dict[str, list[str]] = {}
    if elder.status != ElderStatus.ACTIVE:
        e["elder"] = [_("Orders can only be placed for an active elder.")]
    if item is None:
        e["item"] = [_("Choose a service.")]
    if not isinstance(day, dt.date):
        e["date"] = [_("Give the service date.")]
    elif (day < today and not past_ok) or day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        e["date"] = [_("The date must be between today and %(n)s days ahead.")
                     % {"n": MAX_DAYS_AHEAD}]
    if not isinstance(start, dt.time) or not isinstance(end, dt.time):
        e["window_start"] = [_("Give the time window, e.g. 09:00–11:00.")]
    elif end <= start:
        e["window_end"] = [_("The window must end after it starts.")]
    if channel not in Channel.values:
        e["channel"] = [_("Unknown channel.")]
    if e:
        raise ValidationFailed(e)


def _item(item: Any) -> ServiceItem | None:
    if isinstance(item, ServiceItem):
        return item if item.is_active else None
    key = str(item or "").strip()
    qs = items_active()
    return (qs.filter(pk=int(key)) if key.isdigit() else qs.filter(code=key)).first()


def _write(*, creator: Any, elder: Elder, item: ServiceItem, day: dt.date, start: dt.time,
           end: dt.time, channel: str, note: str, key: str, q: Quote,
           plan: CarePlan | None = None) -> Order:
    order = Order.objects.create(
        elder=elder, provider=q.line.contract.provider, contract=q.line.contract, item=item,
        care_plan=plan, channel=channel, date=day, window_start=start, window_end=end,
        minutes=q.minutes, price_fen=q.price_fen, credit_fen=q.credit_fen,
        copay_fen=q.copay_fen, note=(note or "")[:200], idempotency_key=key, created_by=creator)
    Visit.objects.create(order=order, provider=order.provider, date=day)
    if not ServiceLink.objects.filter(elder=elder, organisation=order.provider,
                                      end_date__isnull=True).exists():
        ServiceLink.objects.create(elder=elder, organisation=order.provider, start_date=min(
            day, timezone.localdate()))
    audit(actor=creator, action="order.create", obj=order, after=_snap(order, ORDER_FIELDS))
    return order


def _notify_dispatch(actor: Any, order: Order) -> None:
    """Let dispatch re-plan the provider's day, if the dispatch part is installed. A failing
    re-plan must not lose the order: it runs in a savepoint and is logged."""
    try:
        from anlao.homecare.dispatch import services as dispatch
    except ImportError:
        return
    hook = getattr(dispatch, "dispatch_on_order_change", None)
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(actor=actor, order=order)
    except Exception:  # the order stands; the dispatcher can re-plan by hand
        log.exception("re-plan after order %s failed", order.pk)


def order_create(*, actor: Any, elder: Elder | int, item: Any, date: Any, window_start: Any,
                 window_end: Any, channel: str, note: str = "", idempotency_key: str = "",
                 today: dt.date | None = None, confirm_duplicate: bool = False) -> Order:
    """Accept one order or raise why not. A repeated ``idempotency_key`` from the same actor
    returns the first order unchanged; a second open order for the same elder, item, date and
    window is ``Conflict`` (``duplicate_order``) unless ``confirm_duplicate``."""
    require(actor, "order.create")
    key = (idempotency_key or "").strip()[:64]
    if key:
        found = Order.objects.filter(created_by=actor, idempotency_key=key).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            order = _create(actor, elder, item, date, window_start, window_end, channel, note,
                            key, today or timezone.localdate(), confirm_duplicate)
    except IntegrityError:
        found = Order.objects.filter(created_by=actor, idempotency_key=key).first() if key \
            else None
        if found is None:
            raise
        return found
    return order


def _create(actor: Any, elder: Any, item: Any, day: Any, start: Any, end: Any, channel: str,
            note: str, key: str, today: dt.date, confirm_duplicate: bool = False) -> Order:
    elder_id = elder.pk if isinstance(elder, Elder) else elder
    person = selectors.orderable_elder(actor=actor, elder_id=elder_id)
    Elder.objects.select_for_update().filter(pk=person.pk).first()  # one order at a time
    service = _item(item)
    _check_request(person, service, day, start, end, channel, today)
    if not confirm_duplicate and Order.objects.filter(
            elder=person, item=service, date=day, window_start=start, window_end=end,
            state=OrderState.ACCEPTED).exists():
        raise Conflict(_("This elder already has an order for this service on this date and in "
                         "this time window. Confirm to book a second one."),
                       code="duplicate_order", field="confirm_duplicate")
    q = quote(person, service, day)
    order = _write(creator=actor, elder=person, item=service, day=day, start=start, end=end,
                   channel=channel, note=note, key=key, q=q)
    _notify_dispatch(actor, order)
    return order


@transaction.atomic
def order_cancel(*, actor: Any, order_id: Any, reason: str = "") -> Order:
    """Cancel an order whose visit has not started; the visit leaves the caregiver's route."""
    require(actor, "order.cancel")
    order = selectors.order_get(actor=actor, order_id=order_id)
    order = Order.objects.select_for_update().get(pk=order.pk)
    visit = Visit.objects.select_for_update().get(order=order)
    if order.state != OrderState.ACCEPTED or visit.state not in FREE_VISIT_STATES:
        raise ServiceError(_("Only an accepted order whose visit has not started can be "
                             "cancelled."), code="state")
    return _cancel(actor, order, visit, reason)


def _cancel(actor: Any, order: Order, visit: Visit, reason: str) -> Order:
    order.state = OrderState.CANCELLED
    order.note = (f"{order.note} | {reason}" if order.note else reason)[:200]
    order.save(update_fields=["state", "note", "updated_at"])
    Visit.objects.filter(pk=visit.pk).update(
        state=VisitState.CANCELLED, caregiver=None, sequence=None, planned_start=None,
        planned_end=None, pinned=False, version=visit.version + 1, updated_at=timezone.now())
    audit(actor=actor, action="order.cancel", obj=order, before={"state": "accepted"},
          after={"state": "cancelled", "reason": reason[:100]})
    _notify_dispatch(actor, order)
    return order


# --- care plans ------------------------------------------------------------------------------

def _weekdays(raw: Any) -> list[int]:
    try:
        days = sorted({int(d) for d in raw})
    except (TypeError, ValueError):
        days = []
    if not days or not all(0 <= d <= 6 for d in days):
        raise ValidationFailed({"weekdays": [_("Choose at least one weekday.")]})
    return days


@transaction.atomic
def care_plan_create(*, actor: Any, elder: Elder | int, item: Any, weekdays: Any,
                     window_start: Any, window_end: Any, start: Any, end: Any = None,
                     channel: str = Channel.COMMUNITY, today: dt.date | None = None) -> CarePlan:
    """A recurring order (e.g. bathing every Tuesday 09:00–11:00), checked like an order on
    its first day; ``care_plans_materialise`` then creates the day-by-day orders."""
    require(actor, "order.create")
    today = today or timezone.localdate()
    person = selectors.orderable_elder(
        actor=actor, elder_id=elder.pk if isinstance(elder, Elder) else elder)
    service = _item(item)
    _check_request(person, service, start, window_start, window_end, channel, today)
    days = _weekdays(weekdays)
    if end is not None and (not isinstance(end, dt.date) or end < start):
        raise ValidationFailed({"end": [_("The end cannot be before the start.")]})
    line = _contract_line(person, service, start)
    plan = CarePlan.objects.create(
        elder=person, provider=line.contract.provider, contract=line.contract, item=service,
        weekdays=days, window_start=window_start, window_end=window_end, start=start, end=end,
        channel=channel, created_by=actor)
    audit(actor=actor, action="care_plan.create", obj=plan, after=_snap(plan, [
        "elder_id", "provider_id", "item_id", "weekdays", "window_start", "window_end",
        "start", "end", "channel"]))
    return plan


@transaction.atomic
def care_plan_end(*, actor: Any, plan_id: Any, end: dt.date | None) -> CarePlan:
    """End a care plan on ``end`` (its last day). Orders it already made for later days whose
    visit has not started are cancelled; nothing is made after it."""
    require(actor, "order.create")
    plan = selectors.care_plans_for(actor=actor).select_for_update(of=("self",)) \
        .filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such care plan."))
    if plan.state == PlanState.ENDED:
        raise ServiceError(_("This care plan has already ended."), code="state")
    if not isinstance(end, dt.date) or end < plan.start:
        raise ValidationFailed({"end": [_("The end cannot be before the start.")]})
    before = {"end": plan.end.isoformat() if plan.end else None, "state": plan.state}
    plan.end, plan.state = end, PlanState.ENDED
    plan.save(update_fields=["end", "state", "updated_at"])
    cancelled = _cancel_after(actor, plan, end)
    audit(actor=actor, action="care_plan.end", obj=plan, before=before,
          after={"end": end.isoformat(), "state": plan.state, "cancelled_orders": cancelled})
    return plan


def _cancel_after(actor: Any, plan: CarePlan, end: dt.date) -> list[int]:
    """Cancel the plan's accepted orders after ``end`` whose visit has not started."""
    cancelled = []
    for order in Order.objects.select_for_update().filter(care_plan=plan, date__gt=end,
                                                           state=OrderState.ACCEPTED):
        visit = Visit.objects.select_for_update().get(order=order)
        if visit.state in FREE_VISIT_STATES:
            cancelled.append(_cancel(actor, order, visit, _("care plan ended")).pk)
    return cancelled


def _plan_days(plan: CarePlan, first: dt.date, until: dt.date) -> list[dt.date]:
    last = min(until, plan.end) if plan.end else until
    day, out = max(first, plan.start), []
    while day <= last:
        if day.weekday() in plan.weekdays:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def care_plans_materialise(*, until: dt.date, today: dt.date | None = None,
                           plans: Any = None) -> dict[str, Any]:
    """Create each plan day's order (once: unique plan+date), from today to ``until``.
    Days that cannot be accepted (no credit, no contract, elder not active) are skipped and
    recorded in the audit log with the reason; the returned report lists them too."""
    today = today or timezone.localdate()
    qs = plans if plans is not None else CarePlan.objects.filter(state=PlanState.ACTIVE)
    created, skipped = 0, []
    for plan in qs.select_related("elder", "elder__residence_area", "item", "created_by"):
        have = set(plan.orders.values_list("date", flat=True))
        for day in _plan_days(plan, today, until):
            if day in have:
                continue
            try:
                with transaction.atomic():
                    _plan_order(plan, day)
                created += 1
            except ServiceError as exc:
                skipped.append({"plan": plan.pk, "date": day.isoformat(), "code": exc.code,
                                "reason": exc.message})
                audit(actor=None, action="care_plan.skip", obj=plan, after={
                    "date": day.isoformat(), "code": exc.code}, note=exc.message)
    return {"created": created, "skipped": skipped}


def care_plans_daily(*, now: dt.datetime | None = None) -> str:
    """The periodic job (core/periodic.py): orders for the coming week of every active plan."""
    today = timezone.localtime(now or timezone.now()).date()
    report = care_plans_materialise(until=today + dt.timedelta(days=7), today=today)
    return f"{report['created']} orders, {len(report['skipped'])} days skipped"


def _plan_order(plan: CarePlan, day: dt.date) -> Order:
    Elder.objects.select_for_update().filter(pk=plan.elder_id).first()  # one order at a time
    elder = Elder.objects.select_related("residence_area", "residence_area__parent").get(
        pk=plan.elder_id)
    _check_request(elder, plan.item if plan.item.is_active else None, day, plan.window_start,
                   plan.window_end, plan.channel, day)
    q = quote(elder, plan.item, day)
    order = _write(creator=plan.created_by, elder=elder, item=plan.item, day=day,
                   start=plan.window_start, end=plan.window_end, channel=plan.channel,
                   note="", key="", q=q, plan=plan)
    _notify_dispatch(plan.created_by, order)
    return order
