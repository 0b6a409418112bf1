"""Reads of the benefit programs (the policy files), for actors who may see policies."""

from __future__ import annotations

from typing import Any

from anlao.benefits.policy.programs import Program, load_programs
from anlao.core.errors import NotFound
from anlao.core.roles import require


def programs_for(*, actor: Any) -> list[Program]:
    require(actor, "policy.view")
    return sorted(load_programs().values(), key=lambda p: p.code)


def program_get(*, actor: Any, code: str) -> Program:
    require(actor, "policy.view")
    program = load_programs().get(code)
    if program is None:
        raise NotFound("no such program")
    return program
