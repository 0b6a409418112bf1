"""Monthly provider settlement: done visits × order price, minus co-pay, minus excluded visits.

One settlement per provider and month. Every done visit of the month becomes one line, so the
statement reconciles to the visit list:

* paid line: payable = price − co-pay (the elder's co-pay is collected by the provider);
* ``anomaly_rejected``: the visit's review or any of its anomalies was rejected → payable 0;
* ``anomaly_open``: an anomaly is still open → payable 0 until a reviewer decides (the visit
  is settled in the month's re-computation, or a later correction, once reviewed);
* ``unverified``: no anomaly, but the review is still pending → payable 0. Providers are paid
  from verified visits only (issue 5); accepted anomalies leave the visit payable.

Totals are sums over the lines and always reconcile: gross − co-pay − excluded = payable,
where excluded is the bureau's share (price − co-pay) of the excluded lines. The digest is a
SHA-256 over the sorted lines, so re-computing an unchanged month gives the same digest.
Approval is four-eyes and re-checks the digest; approved and exported settlements are frozen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.core.audit import audit, snapshot
from anlao.core.errors import PermissionDenied, ValidationFailed
from anlao.core.periods import month_start, next_month, parse_month
from anlao.core.roles import require
from anlao.homecare.models import (
    Anomaly,
    AnomalyState,
    Review,
    Settlement,
    SettlementLine,
    SettlementState,
    Visit,
    VisitState,
)
from anlao.homecare.settlement.selectors import provider_get, settlement_get

REJECTED = "anomaly_rejected"
OPEN = "anomaly_open"
UNVERIFIED = "unverified"
REASONS = (REJECTED, OPEN, UNVERIFIED)
TOTAL_FIELDS = ["visits", "gross_fen", "copay_fen", "excluded_fen", "payable_fen", "digest",
                "state"]


@dataclass(frozen=True)
class Line:
    visit_id: int
    price_fen: int
    copay_fen: int
    payable_fen: int
    excluded_reason: str


def period_of(value: dt.date | str) -> dt.date:
    """The first day of the month of ``value`` (a date or "YYYY-MM"); bad input → error."""
    if isinstance(value, str):
        try:
            value = parse_month(value.strip()[:7])
        except ValueError as exc:
            raise ValidationFailed({"period": [_("Give the month as YYYY-MM.")]}) from exc
    return month_start(value)


# --- computing ----------------------------------------------------------------------------

def _reason(review: str, rejected: bool, open_: bool) -> str:
    if rejected or review == Review.REJECTED:
        return REJECTED
    if open_:
        return OPEN
    if review != Review.VERIFIED:
        return UNVERIFIED
    return ""


def compute_lines(provider_id: int, period: dt.date) -> list[Line]:
    """The lines of a provider's month, from the records (no writes)."""
    anomalies = Anomaly.objects.filter(visit=OuterRef("pk"))
    rows = (Visit.objects.filter(provider_id=provider_id, state=VisitState.DONE,
                                 date__gte=period, date__lt=next_month(period))
            .annotate(rejected=Exists(anomalies.filter(state=AnomalyState.REJECTED)),
                      open_=Exists(anomalies.filter(state=AnomalyState.OPEN)))
            .values_list("pk", "order__price_fen", "order__copay_fen", "review", "rejected",
                         "open_")
            .order_by("pk"))
    lines = []
    for pk, price, copay, review, rejected, open_ in rows:
        copay = min(copay, price)  # never a negative payable, even on odd data
        reason = _reason(review, rejected, open_)
        lines.append(Line(pk, price, copay, 0 if reason else price - copay, reason))
    return lines


def totals(lines: list[Line]) -> dict[str, Any]:
    gross = sum(ln.price_fen for ln in lines)
    copay = sum(ln.copay_fen for ln in lines)
    excluded = sum(ln.price_fen - ln.copay_fen for ln in lines if ln.excluded_reason)
    payable = sum(ln.payable_fen for ln in lines)
    assert gross - copay - excluded == payable  # by construction; guards future edits
    return {"visits": len(lines), "gross_fen": gross, "copay_fen": copay,
            "excluded_fen": excluded, "payable_fen": payable, "digest": digest(lines)}


def digest(lines: list[Line]) -> str:
    h = hashlib.sha256()
    for ln in sorted(lines, key=lambda x: x.visit_id):
        h.update(f"{ln.visit_id}|{ln.price_fen}|{ln.copay_fen}|{ln.payable_fen}|"
                 f"{ln.excluded_reason}\n".encode())
    return h.hexdigest()


def _check_period(period: dt.date, now: dt.datetime) -> None:
    if next_month(period) > timezone.localdate(now):
        raise ValidationFailed({"period": [
            _("A month can be settled only after it has ended.")]})


def _frozen_error(s: Settlement) -> ValidationFailed:
    return ValidationFailed({"state": [
        _("This settlement is %(state)s and can no longer be re-computed.")
        % {"state": s.get_state_display()}]})


@transaction.atomic
def settlement_compute(*, actor: Any, provider: Organisation | int, period: dt.date | str,
                       now: dt.datetime | None = None) -> Settlement:
    """Compute (or re-compute, while unapproved) a provider's monthly settlement."""
    require(actor, "settlement.compute")
    now = now or timezone.now()
    period = period_of(period)
    provider_obj = provider_get(actor=actor, provider_id=getattr(provider, "pk", provider))
    _check_period(period, now)
    existing = (Settlement.objects.select_for_update()
                .filter(provider=provider_obj, period=period).first())
    if existing is not None and existing.state != SettlementState.COMPUTED:
        raise _frozen_error(existing)
    lines = compute_lines(provider_obj.pk, period)
    values = totals(lines)
    before = snapshot(existing, TOTAL_FIELDS) if existing else None
    if existing is None:
        s = Settlement.objects.create(provider=provider_obj, period=period, computed_by=actor,
                                      computed_at=now, **values)
    else:
        s = existing
        for k, v in values.items():
            setattr(s, k, v)
        s.computed_by, s.computed_at = actor, now
        s.save(update_fields=[*values, "computed_by", "computed_at", "updated_at"])
        s.lines.all().delete()
    SettlementLine.objects.bulk_create(
        [SettlementLine(settlement=s, visit_id=ln.visit_id, price_fen=ln.price_fen,
                        copay_fen=ln.copay_fen, payable_fen=ln.payable_fen,
                        excluded_reason=ln.excluded_reason) for ln in lines], batch_size=1000)
    audit(actor=actor, action="settlement.compute", obj=s, before=before,
          after=snapshot(s, TOTAL_FIELDS),
          note=f"{provider_obj.name} {period:%Y-%m}")
    return s


def _locked(actor: Any, pk: int) -> Settlement:
    settlement_get(actor=actor, pk=pk)  # scope first: out of scope is NotFound
    return Settlement.objects.select_for_update().select_related("provider").get(pk=pk)


@transaction.atomic
def settlement_approve(*, actor: Any, settlement_id: int,
                       now: dt.datetime | None = None) -> Settlement:
    """Four-eyes: someone other than whoever computed it approves, if the visits still give
    the same lines (else the approver would sign numbers that no longer hold)."""
    require(actor, "settlement.approve")
    s = _locked(actor, settlement_id)
    if s.state != SettlementState.COMPUTED:
        raise ValidationFailed({"state": [_("Only a computed settlement can be approved.")]})
    if s.computed_by_id == actor.pk:
        raise PermissionDenied(_("Four-eyes rule: the settlement must be approved by someone "
                                 "other than the person who computed it."))
    if digest(compute_lines(s.provider_id, s.period)) != s.digest:
        raise ValidationFailed({"state": [_("The visits of this month changed since the "
                                            "settlement was computed. Re-compute it first.")]})
    before = snapshot(s, ["state"])
    s.state, s.approved_by, s.approved_at = SettlementState.APPROVED, actor, now or timezone.now()
    s.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    audit(actor=actor, action="settlement.approve", obj=s, before=before,
          after=snapshot(s, ["state", "approved_by", "digest"]))
    return s


@transaction.atomic
def settlement_export(*, actor: Any, settlement_id: int,
                      now: dt.datetime | None = None) -> Settlement:
    """Hand an approved settlement to finance; it stays frozen. Exporting twice is harmless
    (the first export time is kept)."""
    require(actor, "settlement.approve")
    s = _locked(actor, settlement_id)
    if s.state == SettlementState.EXPORTED:
        return s
    if s.state != SettlementState.APPROVED:
        raise ValidationFailed({"state": [_("Approve the settlement before exporting it.")]})
    s.state, s.exported_at = SettlementState.EXPORTED, now or timezone.now()
    s.save(update_fields=["state", "exported_at", "updated_at"])
    audit(actor=actor, action="settlement.export", obj=s, before={"state": "approved"},
          after={"state": s.state, "payable_fen": s.payable_fen, "digest": s.digest})
    return s


@transaction.atomic
def settlement_download(*, actor: Any, settlement: Settlement, fmt: str) -> None:
    """A statement (PDF or Excel) leaves the system: audited like every export."""
    require(actor, "settlement.view")
    audit(actor=actor, action="settlement.download", obj=settlement,
          after={"format": fmt, "state": settlement.state, "digest": settlement.digest})
