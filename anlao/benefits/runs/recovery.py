"""Recovering overpayments by deduction from later regular runs.

An open (or part-recovered) overpayment of an elder whom a regular run of the same district
pays — by any program — is recovered by withholding part of that payment: at most
``BENEFITS_RECOVERY_SHARE`` percent (default 50) of what the run pays the elder that month,
and never more than what is still owed. Oldest overpayment first.

* Compute (``runs.services``, inside the compute transaction): the run's ``Deduction`` rows are
  replaced whole, so recomputing never deducts twice. What other computed-but-not-exported
  runs already hold back counts as reserved.
* Export (``payments.services``): the run's deductions become recovered (recovering =
  partly recovered, recovered = all), audited; the bank line is the entitlement minus the
  deduction.
* A deceased elder is paid by nothing: their overpayments stay for manual recovery (a
  refund from the estate) through ``payments.services.overpayment_update``.
"""

from __future__ import annotations

from django.conf import settings

from anlao.benefits.models import RunState

PENDING_STATES = (RunState.COMPUTED, RunState.REVIEWED, RunState.APPROVED)


def share() -> int:
    value = int(settings.BENEFITS_RECOVERY_SHARE)
    return max(0, min(100, value))


def deductions(open_lines: list[tuple[int, int, int]], paid: dict[int, int],
               reserved: dict[int, int], percent: int) -> list[tuple[int, int, int]]:
    """Pure arithmetic: (overpayment id, elder id, amount) withheld this run.

    ``open_lines`` are (overpayment id, elder id, amount still owed before reservations),
    oldest first; ``paid`` what the run pays each elder; ``reserved`` what other pending
    runs already hold back per overpayment.
    """
    room = {e: fen * percent // 100 for e, fen in paid.items()}
    out = []
    for op_id, elder_id, owed in open_lines:
        left = owed - reserved.get(op_id, 0)
        take = min(left, room.get(elder_id, 0))
        if take > 0:
            out.append((op_id, elder_id, take))
            room[elder_id] -= take
    return out
