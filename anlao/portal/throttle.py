"""Limits on the portal's code requests and checks: per number, per address and overall, each
an hour long, with a growing pause for an address that keeps asking and a log line for a
burst. Every attempt is written (and committed) before the limits are checked, so a refused
one counts too; the per-number limit counts only answered requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from anlao.core.errors import ServiceError
from anlao.portal.models import PortalAttempt

log = logging.getLogger("anlao.portal")
HOUR = dt.timedelta(hours=1)


def _limits(kind: str) -> tuple[int, int]:
    if kind == PortalAttempt.Kind.REQUEST:
        return settings.PORTAL_CODE_REQUESTS_PER_IP, settings.PORTAL_CODE_REQUESTS_PER_HOUR
    return settings.PORTAL_CODE_CHECKS_PER_IP, settings.PORTAL_CODE_CHECKS_PER_HOUR


def _refuse(attempt: PortalAttempt) -> ServiceError:
    PortalAttempt.objects.filter(pk=attempt.pk).update(refused=True)
    return ServiceError(_("Too many attempts; try again in an hour."), code="rate_limited")


def pause(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def phone_key(phone: str) -> str:
    """A keyed digest of the number: attempts are counted per number without storing the numbers
    of strangers who ask for codes (20 hex characters, the column's width)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), phone.encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def check(kind: str, *, phone: str, ip: str | None, now: dt.datetime,
          per_phone: int | None = None) -> None:
    """Record the attempt; raise ``ServiceError`` (``rate_limited``) when the address, every
    address together, or (given ``per_phone``) the number is over its hourly limit. An
    address past half its limit is slowed down, a second more each time."""
    with transaction.atomic():
        attempt = PortalAttempt.objects.create(kind=kind, phone=phone_key(phone), ip=ip, at=now)
    recent = PortalAttempt.objects.filter(kind=kind, at__gt=now - HOUR, at__lte=now)
    per_ip, overall = _limits(kind)
    from_ip = recent.filter(ip=ip).count() if ip else 0
    everyone = recent.count()
    if from_ip == per_ip // 2 + 1 or everyone == overall // 2 + 1:
        log.warning("portal: burst of code %ss: %s from %s, %s in all in the last hour",
                    kind, from_ip, ip, everyone)
    if from_ip > per_ip or everyone > overall:
        log.warning("portal: code %s refused: %s from %s, %s in all", kind, from_ip, ip,
                    everyone)
        raise _refuse(attempt)
    if per_phone is not None and recent.filter(phone=phone_key(phone), refused=False).exclude(
            pk=attempt.pk).count() >= per_phone:
        raise _refuse(attempt)
    pause(min(max(0, from_ip - per_ip // 2) * settings.PORTAL_SLOWDOWN_SECONDS,
              settings.PORTAL_SLOWDOWN_MAX_SECONDS))
