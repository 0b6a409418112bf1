"""Reads of the shell pages: the home dashboard's counts and the audit and access logs.

Both are scoped to the actor here and nowhere else. Dashboard numbers are computed on request
by a handful of aggregate queries over ``people.selectors.elders_visible`` — never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from anlao.accounts.models import User
from anlao.areas.models import Area
from anlao.core.errors import PermissionDenied
from anlao.core.models import AccessLog, AuditLog
from anlao.core.roles import has_perm, require
from anlao.core.scoping import jurisdiction_paths
from anlao.people.models import ALONE_SITUATIONS, CATEGORY_FIELDS, Elder, ElderStatus
from anlao.people.selectors import AGE_BANDS, birth_range_for_age, elders_visible

# --- dashboard ---------------------------------------------------------------------------

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
    qs = elders_visible(actor)
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


def dashboard_for(actor: Any, today: dt.date | None = None) -> Dashboard:
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


# --- audit and access logs ---------------------------------------------------------------

@dataclass
class LogFilters:
    actor: str = ""  # username or display name, contains
    action: str = ""  # audit only: exact, or a prefix ending in "." ("elder.")
    entity: str = ""  # exact label, e.g. "people.elder"
    entity_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


def _users_within(paths: list[str]) -> QuerySet[User]:
    """Users whose jurisdiction, or whose organisation's area, lies inside ``paths``."""
    inside = Area.objects.under(*paths).values("id")
    return User.objects.filter(Q(areas__in=inside) | Q(organisation__area__in=inside))


def _log_scope(qs: QuerySet, actor: Any) -> QuerySet:
    """THE scoping rule of both logs, in one place.

    Only actors with ``audit.view`` read logs at all (others: ``PermissionDenied``). A
    superuser sees every row. Anyone else sees a row when either

    1. the row was made by a user *within* the viewer's jurisdiction — one of that user's
       areas, or their organisation's area, lies inside the viewer's areas (so a district
       auditor sees what the district's streets, communities and providers did, and their
       own rows); or
    2. the row is about an elder (``people.elder``) the viewer can see now.

    Rows of users elsewhere about things elsewhere — another district's auditor, a city
    admin editing another district's elder — stay hidden. Rows without an actor (system
    jobs) show only through rule 2. Contact rows follow rule 1 only.
    """
    if not has_perm(actor, "audit.view"):
        raise PermissionDenied("audit.view")
    paths = jurisdiction_paths(actor)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    elder_ids = elders_visible(actor).annotate(key=Cast("pk", CharField())).values("key")
    return qs.filter(
        Q(actor__in=_users_within(paths).values("pk"))
        | Q(entity="people.elder", entity_id__in=elder_ids)
    )


def _filter_logs(qs: QuerySet, f: LogFilters) -> QuerySet:
    if f.actor:
        qs = qs.filter(Q(actor__username__icontains=f.actor)
                       | Q(actor__display_name__icontains=f.actor))
    if f.action:
        qs = (qs.filter(action__startswith=f.action) if f.action.endswith(".")
              else qs.filter(action=f.action))
    if f.entity:
        qs = qs.filter(entity=f.entity)
    if f.entity_id:
        qs = qs.filter(entity_id=f.entity_id)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to:
        end = f.date_to + dt.timedelta(days=1)
        qs = qs.filter(at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz))
    return qs


def audit_rows_for(actor: Any, filters: LogFilters | None = None) -> QuerySet[AuditLog]:
    """Audit rows the actor may read, newest first, narrowed by ``filters``."""
    qs = _log_scope(AuditLog.objects.all(), actor)
    return _filter_logs(qs, filters or LogFilters()).select_related("actor")


def access_rows_for(actor: Any, filters: LogFilters | None = None) -> QuerySet[AccessLog]:
    """Access-log rows (who saw a full ID number or phone) under the same rule as audit."""
    f = replace(filters or LogFilters(), action="")  # the access log has no action column
    qs = _log_scope(AccessLog.objects.all(), actor)
    return _filter_logs(qs, f).select_related("actor")


def log_entities(model: type[AuditLog] | type[AccessLog]) -> list[str]:
    """Entity labels for the filter's choices (code names only, no personal data)."""
    return sorted(model.objects.order_by().values_list("entity", flat=True).distinct())


def audit_actions() -> list[str]:
    return sorted(AuditLog.objects.order_by().values_list("action", flat=True).distinct())
