"""The layering rules, read from the source (docs/architecture.md, "Shape"):

- views, API, forms and management commands never query models directly (no ``.objects``):
  reads go through a selector, writes through a service of their app;
- every public service and selector that takes an ``actor`` takes it keyword-only, and every
  public service that writes takes one.

The clock rule (only ``django.utils.timezone`` reads it) is kept by tests/test_core_periods.py.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ANLAO = Path(__file__).resolve().parent.parent / "anlao"

# Public functions of a services.py that write without an actor, each for a stated reason.
WRITES_WITHOUT_ACTOR = {
    # a step of the facility services (which audit with their actor) and of the nightly check
    "facilities/services.py:record_occupancy",
    # the nightly job's core; skipped days are audited with no actor, as system work
    "homecare/orders/services.py:care_plans_materialise",
    # a hash (hashlib's update), not a database write
    "homecare/settlement/services.py:digest",
    # family sign-in: nobody is signed in yet; the phone number is the subject
    "portal/services.py:portal_request_code",
    "portal/services.py:portal_verify_code",
}

WRITE_CALLS = {"save", "create", "update", "delete", "bulk_create", "bulk_update",
               "update_or_create", "get_or_create", "audit"}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(ANLAO.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path.relative_to(ANLAO).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


MODULES = dict(_modules())


def _is_entry_point(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return ((name.startswith(("views", "api", "forms")) and name.endswith(".py"))
            or "/management/commands/" in f"/{rel}")


def _public_functions(rel_name: str) -> Iterator[tuple[str, ast.FunctionDef]]:
    for rel, tree in MODULES.items():
        if rel.rsplit("/", 1)[-1] != rel_name:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                    and not node.name.startswith("_"):
                yield rel, node


def _writes(fn: ast.FunctionDef) -> bool:
    if any("atomic" in ast.unparse(d) for d in fn.decorator_list):
        return True
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in WRITE_CALLS:
                return True
    return False


def test_the_rules_see_the_code():
    assert any(_is_entry_point(rel) for rel in MODULES)
    assert sum(1 for _ in _public_functions("services.py")) > 100


def test_views_api_forms_and_commands_do_not_query_models():
    found = [f"{rel}:{node.lineno}" for rel, tree in MODULES.items() if _is_entry_point(rel)
             for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")]
    assert found == [], "query through a selector (reads) or a service (writes) instead"


@pytest.mark.parametrize("rel_name", ["services.py", "selectors.py"])
def test_actor_is_keyword_only(rel_name):
    found = [f"{rel}:{fn.name}" for rel, fn in _public_functions(rel_name)
             if "actor" in {a.arg for a in fn.args.posonlyargs + fn.args.args}]
    assert found == [], "write def f(*, actor, …)"


def test_every_service_that_writes_takes_an_actor():
    found = {f"{rel}:{fn.name}" for rel, fn in _public_functions("services.py")
             if "actor" not in {a.arg for a in fn.args.kwonlyargs} and _writes(fn)}
    assert found - WRITES_WITHOUT_ACTOR == set()
    assert WRITES_WITHOUT_ACTOR - found == set(), \
        "these now take an actor (or are gone): strike them from WRITES_WITHOUT_ACTOR"
