"""Life verification (生存认证): recording proofs, and the per-community worklists.

Whether a payment month is covered is decided by the engine (``engine.verification_due``)
from the policy's ``life_verification`` schedule; this module holds the due-month arithmetic.
Recording a proof is ``checks.services.verification_record``; the worklist is
``checks.selectors.worklist``; a partner's report is ``payments.services.partner_report``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from anlao.benefits.policy.programs import LifeSchedule
from anlao.core.errors import ServiceError
from anlao.core.periods import add_months, month_start
from anlao.people.models import Elder

MIN_FACE_SCORE = Decimal("0.80")  # below this a partner's match is not accepted as proof


@dataclass
class WorkItem:
    elder: Elder
    last_verified: dt.date | None
    state: str  # due or overdue


def current_due(life: LifeSchedule, today: dt.date) -> tuple[dt.date, dt.date]:
    """The due month now open or last passed, and the last day of its grace (deadline)."""
    month = month_start(today)
    for back in range(12):
        due = add_months(month, -back)
        if due.month in life.months:
            return due, add_months(due, life.grace_months + 1) - dt.timedelta(days=1)
    raise ServiceError(_("The program has no verification months."))
