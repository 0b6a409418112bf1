"""Reads of the area tree. Areas are public reference data, but lists offered to a user
(filters, pick lists) are cut to what that user may act on."""

from __future__ import annotations

from typing import Any

from anlao.areas.models import Area, AreaLevel, AreaQuerySet
from anlao.core.errors import NotFound
from anlao.core.scoping import jurisdiction_paths


def areas_for(*, actor: Any, level: str | None = None) -> AreaQuerySet:
    """Current areas inside the actor's jurisdiction, optionally of one level."""
    qs = Area.objects.current()
    paths = jurisdiction_paths(actor)
    if paths is not None:
        # ancestors are not in scope; descendants are
        qs = qs.under(*paths)
    if level:
        qs = qs.filter(level=level)
    return qs


def streets_for(*, actor: Any) -> AreaQuerySet:
    return areas_for(actor=actor, level=AreaLevel.STREET)


def communities_for(*, actor: Any, street: Area | None = None) -> AreaQuerySet:
    qs = areas_for(actor=actor, level=AreaLevel.COMMUNITY)
    if street is not None:
        qs = qs.under(street.path)
    return qs


def area_by_code(code: str) -> Area | None:
    return Area.objects.current().filter(code=code).first()


def area_get(*, actor: Any, area_id: Any = None, code: str | None = None,
             level: str | None = None) -> Area:
    """A current area inside the actor's jurisdiction (of ``level``), by id or by code;
    anything else is not found."""
    try:
        lookup = {"code": str(code)} if code is not None else {"pk": int(area_id)}
    except (TypeError, ValueError) as exc:
        raise NotFound("area not found") from exc
    area = areas_for(actor=actor, level=level).filter(**lookup).first()
    if area is None:
        raise NotFound("area not found")
    return area


def area_rows(*, actor: Any, level: str | None = None) -> list[tuple[Area, bool]]:
    """Current areas in scope in tree order, each with whether it has current areas under it
    (only an area without any may be closed)."""
    areas = list(areas_for(actor=actor, level=level).select_related("parent"))
    parents = set(Area.objects.current().filter(parent__in=[a.pk for a in areas])
                  .values_list("parent_id", flat=True))
    return [(a, a.pk in parents) for a in areas]


def area_by_id(area_id: Any) -> Area | None:
    """Any version of an area by id (reference data; services check the jurisdiction)."""
    try:
        return Area.objects.filter(pk=int(area_id or 0)).first()
    except (TypeError, ValueError):
        return None


def current_areas(*, levels: list[str]) -> AreaQuerySet:
    """Every current area of these levels, anywhere (e.g. a hukou outside the jurisdiction)."""
    return Area.objects.current().filter(level__in=levels)
