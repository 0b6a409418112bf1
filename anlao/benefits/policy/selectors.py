"""Reads of the benefit programs (the policy files), for actors who may see policies.

A program is listed and opened only where its jurisdiction covers the actor's area: an
officer of 拱墅区 sees 拱墅区's programs, not Beijing's; an officer above the jurisdiction
(the city) sees the programs of the districts below them.
"""

from __future__ import annotations

from typing import Any

from anlao.areas.models import Area
from anlao.benefits.policy.programs import Program, load_programs
from anlao.core.errors import NotFound
from anlao.core.roles import require
from anlao.core.scoping import jurisdiction_paths


def _actor_paths(actor: Any) -> list[str] | None:
    """The actor's area paths (provider staff: their organisation's area); None = everywhere."""
    paths = jurisdiction_paths(actor)
    if paths == [] and getattr(actor, "is_authenticated", False):
        org = getattr(actor, "organisation", None)
        area = getattr(org, "area", None)
        return [area.path] if area is not None else []
    return paths


def covering(*, actor: Any, programs: list[Program]) -> list[Program]:
    """The programs whose jurisdiction covers (or lies inside) one of the actor's areas."""
    paths = _actor_paths(actor)
    if paths is None:
        return programs
    below = dict(Area.objects.filter(code__in={p.jurisdiction for p in programs})
                 .values_list("code", "path"))
    return [p for p in programs
            if any(f"/{p.jurisdiction}/" in f"/{mine}"
                   or below.get(p.jurisdiction, "\0").startswith(mine) for mine in paths)]


def programs_for(*, actor: Any) -> list[Program]:
    require(actor, "policy.view")
    return covering(actor=actor, programs=sorted(load_programs().values(), key=lambda p: p.code))


def program_get(*, actor: Any, code: str) -> Program:
    require(actor, "policy.view")
    program = load_programs().get(code)
    if program is None or not covering(actor=actor, programs=[program]):
        raise NotFound("no such program")
    return program
