"""Reads of the audit and access-log pages, scoped to the actor here and nowhere else.

Core knows no app: users are ``get_user_model()``, scoped by ``core.scoping``, and the kinds
of record whose rows a viewer may read "because they can see the record" are registered by
their apps (``register_log_subject``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from anlao.core.errors import PermissionDenied
from anlao.core.models import AccessLog, AuditLog
from anlao.core.roles import has_perm
from anlao.core.scoping import jurisdiction_paths, scope_by_area

# entity label ("people.elder") → the selector of the records the actor may see now
_LOG_SUBJECTS: dict[str, Callable[..., QuerySet]] = {}


def register_log_subject(entity: str, visible: Callable[..., QuerySet]) -> None:
    """Let rows about ``entity`` show to whoever ``visible(actor=…)`` returns the record for
    (rule 2 of ``_log_scope``); called from the owning app's ``AppConfig.ready``."""
    _LOG_SUBJECTS[entity] = visible


# --- audit and access logs ---------------------------------------------------------------

@dataclass
class LogFilters:
    actor: str = ""  # username or display name, contains
    action: str = ""  # audit only: exact, or a prefix ending in "." ("elder.")
    entity: str = ""  # exact label, e.g. "people.elder"
    entity_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


def _users_within(actor: Any) -> QuerySet:
    """Users one of whose areas, or whose organisation's area, lies inside the actor's
    jurisdiction."""
    return scope_by_area(get_user_model().objects.all(), actor, "areas", "organisation__area")


def _log_scope(qs: QuerySet, actor: Any) -> QuerySet:
    """THE scoping rule of both logs, in one place.

    Only actors with ``audit.view`` read logs at all (others: ``PermissionDenied``). A
    superuser sees every row. Anyone else sees a row when either

    1. the row was made by a user *within* the viewer's jurisdiction — one of that user's
       areas, or their organisation's area, lies inside the viewer's areas (so a district
       auditor sees what the district's streets, communities and providers did, and their
       own rows); or
    2. the row is about a record the viewer can see now, of a kind its app registered
       (``register_log_subject``: the elder registry registers ``people.elder``).

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
    visible = Q(actor__in=_users_within(actor).values("pk"))
    for entity, records in _LOG_SUBJECTS.items():
        keys = records(actor=actor).annotate(key=Cast("pk", CharField())).values("key")
        visible |= Q(entity=entity, entity_id__in=keys)
    return qs.filter(visible)


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


def audit_rows_for(*, actor: Any, filters: LogFilters | None = None) -> QuerySet[AuditLog]:
    """Audit rows the actor may read, newest first, narrowed by ``filters``."""
    qs = _log_scope(AuditLog.objects.all(), actor)
    return _filter_logs(qs, filters or LogFilters()).select_related("actor")


def access_rows_for(*, actor: Any, filters: LogFilters | None = None) -> QuerySet[AccessLog]:
    """Access-log rows (who saw a full ID number or phone) under the same rule as audit."""
    f = replace(filters or LogFilters(), action="")  # the access log has no action column
    qs = _log_scope(AccessLog.objects.all(), actor)
    return _filter_logs(qs, f).select_related("actor")


def log_entities(model: type[AuditLog] | type[AccessLog]) -> list[str]:
    """Entity labels for the filter's choices (code names only, no personal data)."""
    return sorted(model.objects.order_by().values_list("entity", flat=True).distinct())


def audit_actions() -> list[str]:
    return sorted(AuditLog.objects.order_by().values_list("action", flat=True).distinct())
