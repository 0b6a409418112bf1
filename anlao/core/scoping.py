"""Jurisdiction scoping, in one place.

A user's jurisdiction is a set of areas and covers all their descendants. Selectors call
``scope_by_area`` on every queryset they return; views and the API have no other way to read.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def jurisdiction_paths(actor: Any) -> list[str] | None:
    """Materialised paths the actor may see; ``None`` means everywhere (superuser)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    if actor.is_superuser:
        return None
    cached = getattr(actor, "_anlao_paths", None)
    if cached is None:
        cached = sorted(actor.areas.values_list("path", flat=True))
        actor._anlao_paths = cached
    return cached


def scope_by_area(qs: QuerySet[M], actor: Any, field: str) -> QuerySet[M]:
    """Rows whose ``field`` (a FK to Area) lies inside the actor's jurisdiction."""
    from anlao.areas.models import Area

    paths = jurisdiction_paths(actor)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(**{f"{field}__in": Area.objects.under(*paths).values("id")})


def area_in_scope(actor: Any, area: Any) -> bool:
    paths = jurisdiction_paths(actor)
    if paths is None:
        return True
    return any(area.path.startswith(p) for p in paths)
