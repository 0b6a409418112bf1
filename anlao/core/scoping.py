"""Scoping, in one place: which rows an actor may see.

Area staff see by jurisdiction: a set of areas that covers all their descendants (materialised
paths such as ``330000/330100/330105/``). Provider staff (managers and caregivers) have no
jurisdiction: they see their own organisation's rows. Selectors pass every queryset they return
through ``scope`` (or one of its parts); views and the API have no other way to read.

Core imports no app: callers name the fields (``"elder__residence_area"``, ``"provider"``), and
the area model is reached through those fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from anlao.core.errors import NotFound
from anlao.core.roles import PROVIDER_ROLES

M = TypeVar("M", bound=Model)


def sees_by_organisation(actor: Any) -> bool:
    """Provider staff: they see their organisation's rows, never an area's."""
    return (actor is not None and not getattr(actor, "is_superuser", False)
            and getattr(actor, "role", "") in PROVIDER_ROLES)


def jurisdiction_paths(actor: Any) -> list[str] | None:
    """Materialised paths the actor may see; ``None`` means everywhere (superuser).

    Provider staff have none, even if areas were assigned to them by mistake."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    if actor.is_superuser:
        return None
    if sees_by_organisation(actor):
        return []
    cached = getattr(actor, "_anlao_paths", None)
    if cached is None:
        cached = sorted(actor.areas.values_list("path", flat=True))
        actor._anlao_paths = cached
    return cached


def area_in_scope(actor: Any, area: Any) -> bool:
    """Whether ``area`` (anything with a ``path``) lies inside the actor's jurisdiction."""
    paths = jurisdiction_paths(actor)
    if paths is None:
        return True
    return any(area.path.startswith(p) for p in paths)


def areas_in_scope(actor: Any, areas: Iterable[Any]) -> bool:
    """Whether every one of ``areas`` (a contract's streets, say) lies inside the
    jurisdiction: an actor may change a record tied to several areas only if they answer for
    all of them."""
    return all(area_in_scope(actor, a) for a in areas)


def scope_by_area(qs: QuerySet[M], actor: Any, *fields: str) -> QuerySet[M]:
    """Rows one of whose ``fields`` lies inside the actor's jurisdiction.

    A field is a path to the area model: a foreign key (``"area"``,
    ``"order__elder__residence_area"``) or a many-to-many (``"streets"``); with a
    many-to-many a row is in scope when any of its areas is."""
    paths = jurisdiction_paths(actor)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return _under(qs, fields, paths)


def scope_by_organisation(qs: QuerySet[M], actor: Any, field: str) -> QuerySet[M]:
    """Rows whose ``field`` (a path to an organisation, or ``"pk"`` for organisations
    themselves) is the actor's organisation."""
    if getattr(actor, "is_superuser", False):
        return qs
    org = getattr(actor, "organisation_id", None)
    if not org:
        return qs.none()
    if field != "pk" and _follow(qs.model, field)[1]:
        return qs.filter(pk__in=qs.model._default_manager.filter(**{field: org}).values("pk"))
    return qs.filter(**{field: org})


def scope(qs: QuerySet[M], actor: Any, *, area: str | Iterable[str] | None = None,
          organisation: str | None = None) -> QuerySet[M]:
    """The rows the actor may see: provider staff by ``organisation`` (nothing when the rows
    belong to no organisation), everyone else by ``area`` (one field or several)."""
    if sees_by_organisation(actor):
        return scope_by_organisation(qs, actor, organisation) if organisation else qs.none()
    if area is None:
        return qs if getattr(actor, "is_superuser", False) else qs.none()
    return scope_by_area(qs, actor, *([area] if isinstance(area, str) else area))


def within_area(qs: QuerySet[M], field: str, area: Any) -> QuerySet[M]:
    """Rows whose ``field`` lies in ``area`` or under it (no actor: the caller has scoped)."""
    return _under(qs, (field,), [area.path])


def narrow_to_area(qs: QuerySet[M], actor: Any, field: str, area: Any | None) -> QuerySet[M]:
    """Narrow an already scoped queryset to one area the user chose (a street, a community).

    The choice must stay inside the jurisdiction: an area outside it, or none at all (an
    unknown code), gives no rows rather than being ignored. Actors seen by organisation or
    by service link (no jurisdiction) narrow their own rows to any area."""
    if area is None:
        return qs.none()
    paths = jurisdiction_paths(actor)
    if paths and not any(area.path.startswith(p) for p in paths):
        return qs.none()
    return within_area(qs, field, area)


def _under(qs: QuerySet[M], fields: Iterable[str], paths: list[str]) -> QuerySet[M]:
    q, many = Q(), False
    for field in fields:
        area_model, crosses_many = _follow(qs.model, field)
        inside = Q()
        for p in paths:
            inside |= Q(path__startswith=p)
        q |= Q(**{f"{field}__in": area_model._default_manager.filter(inside).values("pk")})
        many = many or crosses_many
    if many:  # a join through a to-many relation would repeat rows
        return qs.filter(pk__in=qs.model._default_manager.filter(q).values("pk"))
    return qs.filter(q)


def _follow(model: type[Model], field: str) -> tuple[type[Model], bool]:
    """The model at the end of a relation path, and whether the path crosses a to-many."""
    many = False
    for name in field.split("__"):
        f = model._meta.get_field(name)
        many = many or bool(f.many_to_many or f.one_to_many)
        model = f.related_model
    return model, many


def one_in_scope(qs: QuerySet, pk: Any, what: str) -> Any:
    """The row ``pk`` of an already scoped ``qs``; ``NotFound`` ("<what> not found") for a bad
    id, a missing row or one outside the scope alike, so existence does not leak."""
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound(f"{what} not found") from exc
    row = qs.filter(pk=key).first()
    if row is None:
        raise NotFound(f"{what} not found")
    return row
