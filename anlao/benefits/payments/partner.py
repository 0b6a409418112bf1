"""A partner's face-recognition result for life verification (生存认证), through the API.

The partner is a user of role ``partner`` (``life.partner``) belonging to an organisation of
type partner; its **area is its organisation's area**: it may report on elders whose
residence lies under that area, and any other ID number — unknown, or outside that area —
answers "not found" alike, so a partner cannot probe the registry. A partner only reports:
the answer names the verification, never the elder's data. A message repeated with the same
idempotency key makes one verification (the first one's answer is returned again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.benefits.checks.lifeverify import MIN_FACE_SCORE
from anlao.benefits.models import LifeVerification, VerifyMethod
from anlao.core.audit import audit
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.roles import require
from anlao.people.idnumbers import InvalidIdNumber, parse_resident_id
from anlao.people.models import Elder

RESULTS = ("pass", "fail")


@dataclass
class Report:
    verification: LifeVerification | None  # None: the face did not match (nothing recorded)
    created: bool


def _elder(actor: Any, id_number: str) -> Elder:
    org = getattr(actor, "organisation", None)
    area = getattr(org, "area", None)
    try:
        number = parse_resident_id(id_number).number
    except InvalidIdNumber as exc:
        raise ValidationFailed({"id_number": [str(exc)]}) from exc
    elder = None
    if area is not None:
        found = Elder.objects.filter(
            id_number=number, residence_area__in=Area.objects.under(area.path).values("id"))
        elder = found.filter(status="active").first() or found.order_by("-pk").first()
    if elder is None:
        raise NotFound(_("No elder with this ID number in your area."))
    return elder


def _check(elder: Elder, method: str, result: str, at: dt.datetime,
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


def partner_report(*, actor: Any, id_number: str, method: str, result: str, at: dt.datetime,
                   reference: str, idempotency_key: str,
                   score: Decimal | None = None) -> Report:
    """Record a partner's face-recognition result once per idempotency key."""
    require(actor, "life.partner")
    key = idempotency_key.strip()[:64]
    if not key:
        raise ValidationFailed({"idempotency_key": [_("An idempotency key is required.")]})
    earlier = LifeVerification.objects.filter(partner=actor.organisation,
                                              idempotency_key=key).first()
    if earlier is not None:
        return Report(earlier, created=False)
    elder = _elder(actor, id_number)
    day = _check(elder, method, result, at, score)
    try:
        return _record(actor, elder, day, result, reference, key, score)
    except IntegrityError:  # the same message, sent twice at once: the other one won
        return Report(LifeVerification.objects.get(partner=actor.organisation,
                                                   idempotency_key=key), created=False)


@transaction.atomic
def _record(actor: Any, elder: Elder, day: dt.date, result: str, reference: str, key: str,
            score: Decimal | None) -> Report:
    ref = reference.strip()[:64]
    if result == "fail":  # no proof of life; kept in the audit log only
        audit(actor=actor, action="life_verification.partner_fail", obj=elder,
              after={"verified_on": day.isoformat(), "reference": ref, "key": key})
        return Report(None, created=False)
    row = LifeVerification.objects.create(
        elder=elder, verified_on=day, method=VerifyMethod.FACE, reference=ref, score=score,
        recorded_by=actor, partner=actor.organisation, idempotency_key=key)
    audit(actor=actor, action="life_verification.partner_report", obj=row,
          after={"elder_id": elder.pk, "verified_on": day.isoformat(), "reference": ref,
                 "key": key, "partner": actor.organisation.pk})
    return Report(row, created=True)
