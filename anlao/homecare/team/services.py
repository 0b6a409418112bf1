"""Writes of a provider's team: caregivers' home-care profiles (skills, level, home,
working hours, login) and their leave."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.roles import Role, require
from anlao.homecare.catalog.selectors import providers_in_scope
from anlao.homecare.catalog.services import SKILL_RE, acting_provider, as_int
from anlao.homecare.models import (
    CaregiverProfile,
    Leave,
)
from anlao.workforce.models import Caregiver, SkillLevel

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _hours(raw: Any, e: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        e.setdefault("working_hours", []).append(_("Expected weekday → [from, until]."))
        return out
    for day, span in raw.items():
        ok = (str(day) in {str(d) for d in range(7)} and isinstance(span, list | tuple)
              and len(span) == 2 and all(TIME_RE.match(str(t)) for t in span)
              and str(span[0]) < str(span[1]))
        if not ok:
            e.setdefault("working_hours", []).append(
                _("Weekday %(day)s: give times like 08:00–17:00, the end after the start.")
                % {"day": day})
        else:
            out[str(day)] = [str(span[0]), str(span[1])]
    return out


def _coords(lat: Any, lng: Any, e: dict[str, list[str]]) -> tuple[float | None, float | None]:
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        la, ln = float(lat), float(lng)
    except (TypeError, ValueError):
        la = ln = 999.0
    if not (-90 <= la <= 90 and -180 <= ln <= 180):
        e.setdefault("home", []).append(_("Give the home as latitude and longitude."))
        return None, None
    return la, ln


def _employed(caregiver: Caregiver, provider: Organisation, today: dt.date) -> bool:
    return caregiver.employments.filter(employer=provider, start__lte=today).exclude(
        end__lt=today).exists()


@transaction.atomic
def caregiver_profile_save(*, actor: Any, caregiver_id: Any, provider_id: Any,
                           skills: list[str], level: str = "", home_lat: Any = None,
                           home_lng: Any = None, working_hours: dict | None = None,
                           user_id: Any = None, today: dt.date | None = None) -> CaregiverProfile:
    """Create or update the home-care profile of a caregiver the provider employs."""
    require(actor, "homecare.staff")
    provider = acting_provider(actor=actor, provider_id=provider_id)
    caregiver = Caregiver.objects.filter(pk=as_int(caregiver_id), is_active=True).first()
    e: dict[str, list[str]] = {}
    if caregiver is None or not _employed(caregiver, provider, today or timezone.localdate()):
        raise ValidationFailed({"caregiver": [_("This caregiver is not employed by the "
                                                "provider.")]})
    clean_skills = sorted({str(s).strip().lower() for s in skills if str(s).strip()})
    if not all(SKILL_RE.match(s) for s in clean_skills):
        e.setdefault("skills", []).append(_("A skill is one lower-case word, e.g. bathing."))
    if level and level not in SkillLevel.values:
        e.setdefault("level", []).append(_("Unknown certificate level."))
    lat, lng = _coords(home_lat, home_lng, e)
    hours = _hours(working_hours or {}, e)
    if e:
        raise ValidationFailed(e)
    profile = CaregiverProfile.objects.select_for_update().filter(caregiver=caregiver).first()
    if profile and profile.provider_id != provider.pk \
            and not providers_in_scope(actor=actor).filter(pk=profile.provider_id).exists():
        raise PermissionDenied(_("You may only act for your own organisation."))
    before = snapshot(profile) if profile else None
    profile = profile or CaregiverProfile(caregiver=caregiver)
    profile.provider, profile.skills, profile.level = provider, clean_skills, level
    profile.home_lat, profile.home_lng, profile.working_hours = lat, lng, hours
    if user_id not in (None, ""):
        profile.user_id = _login_for(provider, user_id)
    profile.save()
    audit(actor=actor, action="caregiver_profile.save", obj=profile, before=before,
          after=snapshot(profile))
    return profile


def _login_for(provider: Organisation, user_id: Any) -> int:
    from anlao.accounts.models import User

    user = User.objects.filter(pk=as_int(user_id), organisation=provider,
                               role=Role.CAREGIVER).first()
    if user is None:
        raise ValidationFailed({"user": [_("The login must be a caregiver of the provider.")]})
    return user.pk


@transaction.atomic
def leave_add(*, actor: Any, profile_id: int, start: dt.date, end: dt.date,
              reason: str = "") -> Leave:
    require(actor, "homecare.staff")
    profile = CaregiverProfile.objects.filter(
        pk=profile_id, provider__in=providers_in_scope(actor=actor).values("pk")).first()
    if profile is None:
        raise NotFound(_("No such caregiver."))
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        raise ValidationFailed({"end": [_("The end cannot be before the start.")]})
    leave = Leave.objects.create(profile=profile, start=start, end=end, reason=reason[:64])
    audit(actor=actor, action="caregiver_leave.add", obj=leave,
          after=snapshot(leave, ["profile_id", "start", "end", "reason"]))
    return leave
