"""Family sign-in with a one-time code: no passwords for families to forget.

A code is sent only to a mobile number the community recorded as an active elder's contact, but
the answer is the same either way, so the form does not tell strangers whose number is
registered. Codes are stored hashed, expire, allow a few attempts, and a number gets a limited
number of codes per hour. The family's account is created at first sign-in (role ``family``,
no password); it sees exactly the elders whose contacts carry its number (people.selectors).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import User
from anlao.core.audit import audit
from anlao.core.errors import ServiceError, ValidationFailed
from anlao.core.roles import Role
from anlao.people.models import Contact, ElderStatus
from anlao.people.validation import MOBILE
from anlao.portal import throttle
from anlao.portal.models import LoginCode, OutboxMessage, PortalAttempt

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5


def _hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_phone(raw: str) -> str:
    phone = "".join(ch for ch in (raw or "") if ch.isdigit())
    if not MOBILE.match(phone):
        raise ValidationFailed({"phone": [_("Enter the 11-digit mobile number the community "
                                            "has on record.")]})
    return phone


def _registered(phone: str) -> bool:
    return Contact.objects.filter(phone=phone, elder__status=ElderStatus.ACTIVE).exists()


def portal_request_code(*, phone: str, ip: str | None = None,
                        now: dt.datetime | None = None) -> None:
    """Send a sign-in code if the number belongs to an elder's contact; silent otherwise.

    Registered or not, the same work is done and the same answer given, within the same
    limits (``throttle``): the code and its message are written inside a savepoint that is
    kept for a registered number and rolled back for any other."""
    now = now or timezone.now()
    phone = clean_phone(phone)
    throttle.check(PortalAttempt.Kind.REQUEST, phone=phone, ip=ip, now=now,
                   per_phone=MAX_CODES_PER_HOUR)
    with transaction.atomic():
        registered = _registered(phone)
        code = f"{secrets.randbelow(1_000_000):06d}"
        savepoint = transaction.savepoint()
        LoginCode.objects.create(phone=phone, code_hash=_hash(phone, code), created_at=now,
                                 expires_at=now + dt.timedelta(minutes=CODE_MINUTES))
        OutboxMessage.objects.create(phone=phone, text=_(
            "[anlao] Your sign-in code is %(code)s, valid for %(minutes)d minutes. "
            "Do not share it.") % {"code": code, "minutes": CODE_MINUTES})
        if registered:
            transaction.savepoint_commit(savepoint)
        else:
            transaction.savepoint_rollback(savepoint)


def portal_verify_code(*, phone: str, code: str, ip: str | None = None,
                       now: dt.datetime | None = None) -> User:
    """The family user for a correct, fresh code (created at first sign-in).

    A wrong guess is counted in its own committed transaction (raising inside it would roll
    the count back), so five wrong guesses burn the code. A number without a code runs the
    same statements (the count updates no row), and checks are limited like requests."""
    now = now or timezone.now()
    phone = clean_phone(phone)
    throttle.check(PortalAttempt.Kind.CHECK, phone=phone, ip=ip, now=now)
    with transaction.atomic():
        login_code = (LoginCode.objects.select_for_update()
                      .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
                      .order_by("-created_at").first())
        ok = (login_code is not None and login_code.attempts < MAX_ATTEMPTS
              and hmac.compare_digest(login_code.code_hash, _hash(phone, (code or "").strip())))
        if ok:
            login_code.used_at = now
            login_code.save(update_fields=["used_at"])
            return _family_user(phone)
        LoginCode.objects.filter(pk=login_code.pk if login_code else 0).update(
            attempts=F("attempts") + 1)
    raise ValidationFailed({"code": [_("The code is wrong or has expired. Ask for a new one.")]})


def _family_user(phone: str) -> User:
    user, created = User.objects.get_or_create(
        username=f"family-{phone}",
        defaults={"role": Role.FAMILY, "phone": phone, "display_name": phone[-4:]})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit(actor=user, action="portal.family_created", obj=user,
              after={"phone_tail": phone[-4:]})
    if not user.is_active or user.role != Role.FAMILY:
        raise ServiceError(_("This number cannot sign in here."), code="inactive")
    return user


def outbox_for_demo(limit: int = 20) -> Any:
    return OutboxMessage.objects.all()[:limit]


@transaction.atomic
def portal_rate_visit(*, actor: Any, visit_id: Any, rating: Any, comment: str = "",
                      now: dt.datetime | None = None) -> Any:
    """A family rates a finished visit of their elder (回访 by the family itself): recorded as
    the visit's follow-up with method "rating", once; staff calls then skip it."""
    from anlao.core.errors import NotFound
    from anlao.core.roles import require
    from anlao.homecare.models import FollowUp, FollowUpMethod, Visit
    from anlao.people.selectors import elders_visible

    require(actor, "portal.use")
    now = now or timezone.now()
    visit = (Visit.objects.filter(pk=int(visit_id) if str(visit_id).isdigit() else 0,
                                  check_out_at__isnull=False,
                                  order__elder__in=elders_visible(actor=actor).values("pk"))
             .first())
    if visit is None:
        raise NotFound(_("No such visit."))
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    comment = (comment or "").strip()
    if not 1 <= stars <= 5 or len(comment) > 200:
        raise ValidationFailed({"rating": [_("Give 1 to 5 stars and at most 200 characters.")]})
    fu, _created = FollowUp.objects.get_or_create(visit=visit)
    if not FollowUp.objects.filter(pk=fu.pk, recorded_at__isnull=True).update(
            method=FollowUpMethod.RATING, rating=stars, comment=comment, recorded_by=actor,
            recorded_at=now, updated_at=now):
        raise ServiceError(_("This visit is already rated."), code="conflict")
    audit(actor=actor, action="followup.family_rating", obj=fu,
          after={"rating": stars, "comment": comment})
    return fu
