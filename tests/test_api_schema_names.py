"""Every schema in the OpenAPI document has a name of its own.

django-ninja names a component after its pydantic class, so two different classes with the same
``__name__`` (say ``FacilityOut`` in facilities and in waitlist) become one component and one of
the two operations is documented with the other's shape.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from typing import Any

import pydantic
from ninja import Router

from anlao.api import api


def _routers(router: Router) -> typing.Iterator[Router]:
    yield router
    for _prefix, child, *_ in router._routers:
        yield from _routers(child)


def _models(annotation: Any, seen: set[type]) -> None:
    """Every pydantic class and enum reachable from ``annotation`` (fields, generics, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _registered_models() -> set[type]:
    seen: set[type] = set()
    for _prefix, top in api._routers:
        for router in _routers(top):
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    for model in operation.response_models.values():
                        _models(model, seen)
                    for model in operation.models:
                        _models(model, seen)
    return seen


def test_no_two_schema_classes_share_a_component_name(db):
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _registered_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    collisions = {name: sorted(classes) for name, classes in by_name.items()
                  if len(classes) > 1}
    assert collisions == {}


def test_the_walk_sees_the_schemas_of_nested_routers(db):
    names = {model.__name__ for model in _registered_models()}
    # benefits mounts one router per subpackage; the checks router's findings must be seen
    assert {"ErrorOut", "FacilityItem", "QueueEntryOut"} <= names
    assert any("Finding" in name for name in names)


def test_each_component_is_one_of_the_registered_classes(db):
    components = set(api.get_openapi_schema()["components"]["schemas"])
    names = {model.__name__ for model in _registered_models()}
    # components carry the class names (generic ones are spelt Page_X_ by pydantic), enums too
    plain = {name for name in components if "_" not in name}
    assert plain <= names
