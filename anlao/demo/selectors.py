"""Reads for the demo: the table of demo logins (a command-line aid, not a page)."""

from __future__ import annotations

from dataclasses import dataclass

from anlao.accounts.models import User
from anlao.demo.world import DEMO_PASSWORD, LOGINS


@dataclass
class LoginRow:
    username: str
    role: str
    scope: str
    password: str


def demo_logins() -> list[LoginRow]:
    """The demo logins that exist, in the documented order, with what each may see."""
    users = {u.username: u for u in User.objects.filter(username__in=[x.username for x in LOGINS])
             .select_related("organisation").prefetch_related("areas")}
    rows = []
    for login in LOGINS:
        user = users.get(login.username)
        if user is None:
            continue
        if login.area_code:
            scope = "、".join(a.name for a in user.areas.all())
        else:
            org = user.organisation.name if user.organisation else ""
            scope = f"elders served by {org}"
        rows.append(LoginRow(user.username, str(user.get_role_display()), scope, DEMO_PASSWORD))
    return rows
