"""Reads of the home dashboard: counts of the active elders in the actor's scope.

Numbers are computed on request by a handful of aggregate queries over
``people.selectors.elders_visible`` (which scopes them) — never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anlao.areas.models import Area
from anlao.core.roles import require
from anlao.people.models import ALONE_SITUATIONS, CATEGORY_FIELDS, Elder, ElderStatus
from anlao.people.selectors import AGE_BANDS, birth_range_for_age, elders_visible

ABILITY_LEVELS = (0, 1, 2, 3, 4)


@dataclass
class Dashboard:
    """What the home page shows; every number counts active elders in the actor's scope."""

    total: int = 0
    aged_80_plus: int = 0
    alone: int = 0
    semi_disabled: int = 0  # ability level 1–2
    disabled: int = 0  # ability level 3–4
    by_area: list[tuple[str, int]] = field(default_factory=list)
    area_level: str = "street"  # "community" when the whole scope lies in one street
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_ability: list[tuple[int | None, int]] = field(default_factory=list)


def _active_elders(actor: Any) -> QuerySet[Elder]:
    qs = elders_visible(actor=actor)
    if qs.query.distinct:
        # Provider staff reach elders through service links; a join can repeat an elder,
        # and DISTINCT does not survive a GROUP BY, so count each elder once via its key.
        qs = Elder.objects.filter(pk__in=qs.values("pk"))
    return qs.filter(status=ElderStatus.ACTIVE)


def _headline_counts(qs: QuerySet[Elder], today: dt.date) -> dict[str, int]:
    """Totals, age bands and categories in one scan (conditional aggregates)."""
    aggs: dict[str, Any] = {"total": Count("pk")}
    for band, (lo, hi) in AGE_BANDS.items():
        aggs[f"age:{band}"] = Count("pk", filter=Q(birth_date__range=birth_range_for_age(
            lo, hi, today)))
    aggs["aged_80_plus"] = Count("pk", filter=Q(
        birth_date__lte=birth_range_for_age(80, 200, today)[1]))
    for name in CATEGORY_FIELDS:
        aggs[f"cat:{name}"] = Count("pk", filter=Q(**{name: True}))
    aggs["cat:disabled"] = Count("pk", filter=Q(disability_grade__isnull=False))
    aggs["cat:alone"] = Count("pk", filter=Q(living_situation__in=ALONE_SITUATIONS))
    for level in ABILITY_LEVELS:
        aggs[f"level:{level}"] = Count("pk", filter=Q(ability_level=level))
    aggs["level:None"] = Count("pk", filter=Q(ability_level__isnull=True))
    return qs.aggregate(**aggs)


def _by_area(qs: QuerySet[Elder]) -> tuple[str, list[tuple[str, int]]]:
    """Counts per street; per community when everything visible lies in a single street."""
    rows = list(qs.values("residence_area__parent_id").annotate(n=Count("pk")))
    level, key = "street", "residence_area__parent_id"
    if len(rows) <= 1:
        level, key = "community", "residence_area_id"
        rows = list(qs.values(key).annotate(n=Count("pk")))
    names = dict(Area.objects.filter(pk__in=[r[key] for r in rows]).values_list("pk", "name"))
    pairs = [(names.get(r[key], "—"), r["n"]) for r in rows]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return level, pairs


def dashboard_for(*, actor: Any, today: dt.date | None = None) -> Dashboard:
    """The home dashboard of ``actor``: two aggregate scans plus one query for area names."""
    require(actor, "dashboard.view")
    today = today or timezone.localdate()
    qs = _active_elders(actor)
    c = _headline_counts(qs, today)
    if not c["total"]:
        return Dashboard()
    level, by_area = _by_area(qs)
    return Dashboard(
        total=c["total"], aged_80_plus=c["aged_80_plus"], alone=c["cat:alone"],
        semi_disabled=c["level:1"] + c["level:2"], disabled=c["level:3"] + c["level:4"],
        by_area=by_area, area_level=level,
        by_age=[(band, c[f"age:{band}"]) for band in AGE_BANDS],
        by_category=[(name, c[f"cat:{name}"])
                     for name in (*CATEGORY_FIELDS, "disabled", "alone")],
        by_ability=[(lvl, c[f"level:{lvl}"]) for lvl in (*ABILITY_LEVELS, None)],
    )
