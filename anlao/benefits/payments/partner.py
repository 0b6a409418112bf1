"""A partner's face-recognition result for life verification (生存认证), through the API.

The partner is a user of role ``partner`` (``life.partner``) belonging to an organisation of
type partner; its **area is its organisation's area**: it may report on elders whose
residence lies under that area, and any other ID number — unknown, or outside that area —
answers "not found" alike, so a partner cannot probe the registry. A partner only reports:
the answer names the verification, never the elder's data. A message repeated with the same
idempotency key makes one verification (the first one's answer is returned again).

This module holds the rules; the write is ``payments.services.partner_report``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.benefits.checks.lifeverify import MIN_FACE_SCORE
from anlao.benefits.models import LifeVerification, VerifyMethod
from anlao.core.errors import ValidationFailed
from anlao.people.models import Elder

RESULTS = ("pass", "fail")


@dataclass
class Report:
    verification: LifeVerification | None  # None: the face did not match (nothing recorded)
    created: bool


def check_report(elder: Elder, method: str, result: str, at: dt.datetime,
           score: Decimal | None) -> dt.date:
    errors: dict[str, list[str]] = {}
    if method != VerifyMethod.FACE:
        errors["method"] = [_("A partner reports face recognition only (method \"face\").")]
    if result not in RESULTS:
        errors["result"] = [_("The result is \"pass\" or \"fail\".")]
    if timezone.is_naive(at):
        errors["at"] = [_("Give the time with its UTC offset, e.g. 2026-05-07T09:30:00+08:00.")]
        day = at.date()
    else:
        day = timezone.localdate(at)
        if at > timezone.now():
            errors["at"] = [_("A verification cannot be dated in the future.")]
    if elder.status == "deceased" and elder.status_date and day >= elder.status_date:
        errors["at"] = [_("The registry records this elder as deceased on that date.")]
    if score is not None and result == "pass" and score < MIN_FACE_SCORE:
        errors["score"] = [_("A face-recognition result needs a match score of at least "
                             "%(min)s.") % {"min": MIN_FACE_SCORE}]
    if errors:
        raise ValidationFailed(errors)
    return day
