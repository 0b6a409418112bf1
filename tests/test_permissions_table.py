"""docs/permissions.md and anlao/core/roles.py say the same: a change to who may do what
updates both (and says why), or this fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from anlao.core.roles import PERMISSIONS, Role, has_perm

TABLE = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"


def _table() -> tuple[list[str], dict[str, tuple[set[str], str]]]:
    rows = [line.strip().strip("|").split("|") for line in TABLE.read_text().splitlines()
            if line.startswith("| ")]
    head = [c.strip().strip("`") for c in rows[0]]
    roles = head[1:-1]
    table = {}
    for cells in rows[1:]:
        cells = [c.strip() for c in cells]
        perm = cells[0].strip("`")
        table[perm] = ({r for r, c in zip(roles, cells[1:-1], strict=True) if c == "✓"},
                       cells[-1])
    return roles, table


def test_the_table_has_a_column_per_role():
    roles, _table_rows = _table()
    assert roles == [r.value for r in Role]


def test_the_table_is_the_code():
    _roles, table = _table()
    assert set(table) == set(PERMISSIONS)
    for perm, allowed in PERMISSIONS.items():
        assert table[perm][0] == {str(r) for r in allowed}, perm


def test_every_permission_says_why():
    _roles, table = _table()
    assert all(len(why) > 10 for _allowed, why in table.values())


@pytest.mark.parametrize("role", [Role.CAREGIVER, Role.PROVIDER_MANAGER])
def test_provider_staff_see_no_allowance_or_payment_history(world, role):
    actor = world.caregiver if role == Role.CAREGIVER else world.provider_manager
    assert actor.role == role
    assert not has_perm(actor, "benefit.explain")
    assert not has_perm(actor, "payment.history")
