"""Reads for payments and life verification, always scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from anlao.benefits.models import (
    BenefitRun,
    Deduction,
    LifeVerification,
    Overpayment,
    Payment,
    PaymentAccount,
    PaymentKind,
    PaymentStatus,
)
from anlao.benefits.runs import recovery
from anlao.benefits.runs.selectors import runs_in_scope
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.money import format_fen
from anlao.core.roles import has_perm, require
from anlao.core.scoping import within_area
from anlao.people.idnumbers import InvalidIdNumber, parse_resident_id
from anlao.people.models import Elder
from anlao.people.selectors import elder_get, elders_visible


def payment_status(run: BenefitRun) -> list[dict[str, Any]]:
    """Lines of an exported run by kind and status, with totals (for the run page)."""
    rows = (Payment.objects.filter(run=run).values("kind", "status")
            .annotate(n=Count("id"), fen=Sum("amount_fen")).order_by("kind", "status"))
    return [{**r, "total": format_fen(r["fen"] or 0), "kind": PaymentKind(r["kind"]).label,
             "status": PaymentStatus(r["status"]).label} for r in rows]


def failed_lines(run: BenefitRun, limit: int = 50) -> list[tuple[Payment, Elder | None]]:
    rows = list(Payment.objects.filter(run=run, status__in=["failed", "held"])
                .order_by("line")[:limit])
    elders = Elder.objects.in_bulk([p.elder_id for p in rows])
    return [(p, elders.get(p.elder_id)) for p in rows]


def overpayments_for(*, actor: Any, status: str = "") -> QuerySet[Overpayment]:
    if not has_perm(actor, "payment.view"):
        return Overpayment.objects.none()
    qs = Overpayment.objects.filter(source_run__in=runs_in_scope(actor=actor)).select_related(
        "source_run")
    return qs.filter(status=status) if status else qs


def elder_payment_data(*, actor: Any, elder_id: int) -> dict[str, Any]:
    """An elder in scope with their accounts (newest first) and verifications."""
    require(actor, "payment.history")
    elder = elder_get(actor=actor, elder_id=elder_id)
    can_accounts = has_perm(actor, "payment.account") or has_perm(actor, "payment.view")
    return {
        "elder": elder,
        "accounts": list(PaymentAccount.objects.filter(elder=elder)) if can_accounts else [],
        "verifications": list(LifeVerification.objects.filter(elder=elder)
                              .select_related("recorded_by")[:50]),
    }


def account_visible(*, actor: Any, account_id: int) -> PaymentAccount | None:
    return PaymentAccount.objects.filter(pk=account_id,
                                         elder__in=elders_visible(actor=actor)).first()


def overpayment_rows(*, actor: Any, status: str = "",
                     limit: int = 200) -> list[tuple[Overpayment, Elder | None, dict[str, Any]]]:
    """Ledger rows with the elder and how the money comes back (recovery.py): deducted from
    later payments while the elder is paid, else by hand (a deceased elder's estate)."""
    rows = list(overpayments_for(actor=actor, status=status)[:limit])
    elders = Elder.objects.in_bulk([r.elder_id for r in rows])
    pending = dict(Deduction.objects.filter(
        overpayment__in=rows, run__state__in=recovery.PENDING_STATES).values(
        "overpayment_id").annotate(fen=Sum("amount_fen")).values_list("overpayment_id", "fen"))
    out = []
    for r in rows:
        e = elders.get(r.elder_id)
        how = "estate" if e is None or e.status == "deceased" else "deduction"
        out.append((r, e, {"how": how, "pending": format_fen(pending[r.pk])
                           if pending.get(r.pk) else ""}))
    return out


def partner_elder(*, actor: Any, id_number: str) -> Elder:
    """The elder a partner reports on: by ID number, living under the partner organisation's
    area; any other number (unknown, or elsewhere) is NotFound alike (``partner``)."""
    org = getattr(actor, "organisation", None)
    area = getattr(org, "area", None)
    try:
        number = parse_resident_id(id_number).number
    except InvalidIdNumber as exc:
        raise ValidationFailed({"id_number": [str(exc)]}) from exc
    elder = None
    if area is not None:
        found = within_area(Elder.objects.filter(id_number=number), "residence_area", area)
        elder = found.filter(status="active").first() or found.order_by("-pk").first()
    if elder is None:
        raise NotFound(_("No elder with this ID number in your area."))
    return elder
