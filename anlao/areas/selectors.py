"""Reads of the area tree. Areas are public reference data, but lists offered to a user
(filters, pick lists) are cut to what that user may act on."""

from __future__ import annotations

from typing import Any

from anlao.areas.models import Area, AreaLevel, AreaQuerySet
from anlao.core.scoping import jurisdiction_paths


def areas_for(actor: Any, *, level: str | None = None) -> AreaQuerySet:
    """Current areas inside the actor's jurisdiction, optionally of one level."""
    qs = Area.objects.current()
    paths = jurisdiction_paths(actor)
    if paths is not None:
        # ancestors are not in scope; descendants are
        qs = qs.under(*paths)
    if level:
        qs = qs.filter(level=level)
    return qs


def streets_for(actor: Any) -> AreaQuerySet:
    return areas_for(actor, level=AreaLevel.STREET)


def communities_for(actor: Any, *, street: Area | None = None) -> AreaQuerySet:
    qs = areas_for(actor, level=AreaLevel.COMMUNITY)
    if street is not None:
        qs = qs.under(street.path)
    return qs


def area_by_code(code: str) -> Area | None:
    return Area.objects.current().filter(code=code).first()
