"""Who can go to an alarm, nearest first.

Candidates are the home-care workers of providers holding an active contract for the elder's
street (on shift now, not on leave), placed at their in-progress visit if they are on one and
at home otherwise, and the community workers of the elder's community (placed at the
community's centre). Distance is straight-line to where the alarm is (the device's position
when it sent one, else the elder's home, else the community centre).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from anlao.accounts.models import User
from anlao.alarms.models import Alarm
from anlao.core.geo import haversine_m
from anlao.core.masking import mask_phone
from anlao.core.roles import Role
from anlao.homecare.models import CaregiverProfile, Contract, ContractState, Visit, VisitState


def distance_m(a: tuple[float, float] | None, b: tuple[float, float] | None) -> int | None:
    """Great-circle distance in metres between two (lat, lng) points; None if one is unknown."""
    if a is None or b is None:
        return None
    return round(haversine_m(*a, *b))


def _point(lat: float | None, lng: float | None) -> tuple[float, float] | None:
    return None if lat is None or lng is None else (lat, lng)


@dataclass(frozen=True)
class Responder:
    key: str  # "caregiver:<profile id>" or "worker:<user id>"
    kind: str  # "caregiver" or "community_worker"
    name: str
    organisation: str
    masked_phone: str
    distance_m: int | None
    position: str  # "visit", "home" or "community"

    @property
    def distance_text(self) -> str:
        if self.distance_m is None:
            return ""
        if self.distance_m < 1000:
            return f"{self.distance_m} m"
        return f"{self.distance_m / 1000:.1f} km"


def alarm_position(alarm: Alarm) -> tuple[float, float] | None:
    return (_point(alarm.lat, alarm.lng) or _point(alarm.elder.lat, alarm.elder.lng)
            or _point(alarm.area.lat, alarm.area.lng))


def _on_shift(profile: CaregiverProfile, local: dt.datetime) -> bool:
    hours = (profile.working_hours or {}).get(str(local.weekday()))
    if not hours or len(hours) != 2:
        return False
    return hours[0] <= local.strftime("%H:%M") < hours[1]


def _caregivers(alarm: Alarm, local: dt.datetime) -> list[CaregiverProfile]:
    today = local.date()
    providers = Contract.objects.filter(
        state=ContractState.ACTIVE, start__lte=today, end__gte=today,
        streets=alarm.area.parent_id).values("provider_id")
    profiles = (CaregiverProfile.objects
                .filter(is_active=True, caregiver__is_active=True, provider_id__in=providers)
                .exclude(leaves__start__lte=today, leaves__end__gte=today)
                .select_related("caregiver", "provider"))
    return [p for p in profiles if _on_shift(p, local)]


def _visit_positions(profile_ids: list[int], today: dt.date) -> dict[int, tuple[float, float]]:
    """Where each caregiver on a visit right now is: the check-in GPS, else the elder's home."""
    visits = (Visit.objects.filter(caregiver_id__in=profile_ids, date=today,
                                   state=VisitState.IN_PROGRESS)
              .values_list("caregiver_id", "check_in_lat", "check_in_lng",
                           "order__elder__lat", "order__elder__lng"))
    return {cid: p for cid, la, ln, ela, eln in visits
            if (p := _point(la, ln) or _point(ela, eln)) is not None}


def _caregiver_responders(alarm: Alarm, target: Any, local: dt.datetime) -> list[Responder]:
    profiles = _caregivers(alarm, local)
    on_visit = _visit_positions([p.pk for p in profiles], local.date())
    out = []
    for p in profiles:
        here = on_visit.get(p.pk)
        position = "visit" if here else "home"
        here = here or _point(p.home_lat, p.home_lng)
        out.append(Responder(key=f"caregiver:{p.pk}", kind="caregiver", name=p.caregiver.name,
                             organisation=p.provider.name,
                             masked_phone=mask_phone(p.caregiver.phone),
                             distance_m=distance_m(here, target), position=position))
    return out


def _worker_responders(alarm: Alarm, target: Any) -> list[Responder]:
    workers = (User.objects.filter(role=Role.COMMUNITY_WORKER, is_active=True,
                                   areas=alarm.area_id)
               .select_related("organisation").order_by("display_name", "username"))
    here = _point(alarm.area.lat, alarm.area.lng)
    return [Responder(key=f"worker:{u.pk}", kind="community_worker", name=str(u),
                      organisation=u.organisation.name if u.organisation_id else alarm.area.name,
                      masked_phone=mask_phone(u.phone), distance_m=distance_m(here, target),
                      position="community")
            for u in workers]


def responders_for(alarm: Alarm, *, now: dt.datetime | None = None) -> list[Responder]:
    """Available responders for an alarm the caller may already see, nearest first (unknown
    distances last)."""
    local = timezone.localtime(now or timezone.now())
    target = alarm_position(alarm)
    found = _caregiver_responders(alarm, target, local) + _worker_responders(alarm, target)
    return sorted(found, key=lambda r: (r.distance_m is None, r.distance_m or 0, r.name))
