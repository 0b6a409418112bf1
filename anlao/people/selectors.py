"""Every read of the registry, scoped to the actor. Views and the API read only through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from anlao.areas.selectors import area_by_code
from anlao.core.errors import NotFound
from anlao.core.roles import Role, has_perm
from anlao.core.scoping import (
    narrow_to_area,
    scope_by_area,
    scope_by_organisation,
    sees_by_organisation,
)
from anlao.people.idnumbers import upgrade_15
from anlao.people.models import (
    ALONE_SITUATIONS,
    CATEGORY_FIELDS,
    Elder,
    ElderStatus,
    ServiceLink,
)

AGE_BANDS = {"60-69": (60, 69), "70-79": (70, 79), "80-89": (80, 89), "90-99": (90, 99),
             "100+": (100, 200)}


def elders_visible(*, actor: Any) -> QuerySet[Elder]:
    """All elders the actor may see: by jurisdiction, or for provider staff by service link."""
    if not has_perm(actor, "elder.view"):
        return Elder.objects.none()
    qs = Elder.objects.all()
    if getattr(actor, "role", "") == Role.FAMILY and not actor.is_superuser:
        # the portal: the elders whose recorded contacts carry this family member's number
        if not actor.phone:
            return qs.none()
        return qs.filter(contacts__phone=actor.phone, status=ElderStatus.ACTIVE).distinct()
    if sees_by_organisation(actor):
        return elders_served(actor=actor)
    return scope_by_area(qs, actor, "residence_area")


def elders_served(*, actor: Any) -> QuerySet[Elder]:
    """Elders with a service link to the actor's organisation open today (what provider
    staff see; what a partner may order for)."""
    today = timezone.localdate()
    links = ServiceLink.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today),
                                       start_date__lte=today)
    return Elder.objects.filter(
        pk__in=scope_by_organisation(links, actor, "organisation").values("elder_id"))


def birth_range_for_age(lo: int, hi: int, on: dt.date) -> tuple[dt.date, dt.date]:
    """Birth dates of people aged lo..hi (completed years) on ``on``."""
    def years_before(n: int) -> dt.date:
        try:
            return on.replace(year=on.year - n)
        except ValueError:  # 29 February
            return on.replace(year=on.year - n, day=28)
    earliest = years_before(hi + 1) + dt.timedelta(days=1)
    latest = years_before(lo)
    return earliest, latest


@dataclass
class ElderFilters:
    q: str = ""
    street: str = ""  # area code
    community: str = ""  # area code
    age_band: str = ""
    category: str = ""
    living_situation: str = ""
    status: str = "active"


def _search(qs: QuerySet[Elder], q: str) -> QuerySet[Elder]:
    """Name contains; full ID (18 or legacy 15) or phone; last four of either; a masked value
    as shown in lists (``330105********0021``, ``138****5678``)."""
    raw = q.strip()
    q = raw.upper().replace(" ", "")
    if not q:
        return qs
    if "*" in q:
        return _search_masked(qs, q)
    if len(q) == 15 and q.isdigit():
        return qs.filter(id_number=upgrade_15(q))
    if len(q) == 18 and q[:-1].isdigit():
        return qs.filter(id_number=q)
    if len(q) == 4 and q[:3].isdigit() and (q[3].isdigit() or q[3] == "X"):
        return qs.filter(Q(id_tail=q) | Q(phone_tail=q))
    if q.isdigit() and len(q) == 11:
        return qs.filter(phone=q)
    if len(raw) == 2 and connection.vendor == "postgresql":
        # the bigram index of people migration 0004: same rows as icontains, found by index
        return qs.extra(where=["anlao_bigrams(UPPER(people_elder.name)) @> ARRAY[UPPER(%s)]"],
                        params=[raw])
    return qs.filter(name__icontains=raw)


def _search_masked(qs: QuerySet[Elder], q: str) -> QuerySet[Elder]:
    head, tail = q.split("*", 1)[0], q.rsplit("*", 1)[-1]
    if len(tail) != 4:
        return qs.none()
    if len(q) == 18:
        return qs.filter(id_tail=tail, id_number__startswith=head)
    return qs.filter(phone_tail=tail, phone__startswith=head)


def elders_for(*, actor: Any, filters: ElderFilters | None = None,
               today: dt.date | None = None) -> QuerySet[Elder]:
    """The registry list: visible elders narrowed by search and filters."""
    f = filters or ElderFilters()
    qs = _search(elders_visible(actor=actor), f.q)
    if f.community or f.street:
        qs = narrow_to_area(qs, actor, "residence_area", area_by_code(f.community or f.street))
    if f.age_band in AGE_BANDS:
        lo, hi = birth_range_for_age(*AGE_BANDS[f.age_band], today or timezone.localdate())
        qs = qs.filter(birth_date__range=(lo, hi))
    if f.category in CATEGORY_FIELDS:
        qs = qs.filter(**{f.category: True})
    elif f.category == "disabled":
        qs = qs.filter(disability_grade__isnull=False)
    elif f.category == "alone":
        qs = qs.filter(living_situation__in=ALONE_SITUATIONS)
    if f.living_situation:
        qs = qs.filter(living_situation=f.living_situation)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs.select_related("residence_area", "residence_area__parent")


def elder_get(*, actor: Any, elder_id: int, for_update: bool = False) -> Elder:
    """One elder, or ``NotFound`` — also when it exists outside the actor's scope."""
    qs = elders_visible(actor=actor).select_related("residence_area", "residence_area__parent",
                                              "hukou_area")
    try:
        elder_pk = int(elder_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("elder not found") from exc
    elder = qs.filter(pk=elder_pk).first()
    if elder is None:
        raise NotFound("elder not found")
    if for_update:
        return Elder.objects.select_for_update().get(pk=elder.pk)
    return elder
