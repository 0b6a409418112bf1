"""Reads for the demo: the table of demo logins (a command-line aid, not a page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from anlao.accounts.models import User
from anlao.core.roles import Role
from anlao.demo.world import DEMO_PASSWORD, LOGINS


@dataclass
class LoginRow:
    username: str
    role: str
    scope: str
    password: str


def _scope(user: User) -> str:
    areas = "、".join(a.name for a in user.areas.all())
    if areas:
        return areas
    org = user.organisation.name if user.organisation else ""
    if user.role in (Role.PROVIDER_MANAGER, Role.CAREGIVER):
        return _("elders served by %(org)s") % {"org": org}
    return org


def _extra_logins(covered: set[str]) -> list[User]:
    """One login per role the demo world does not cover (e.g. an assessor, created by another
    app's demo step), shown only if it really has the demo password."""
    users = []
    for role in Role.values:
        if role in covered:
            continue
        candidates = (User.objects.filter(role=role, is_active=True).order_by("username")
                      .select_related("organisation")[:5])
        user = next((u for u in candidates if u.check_password(DEMO_PASSWORD)), None)
        if user is not None:
            users.append(user)
    return users


def demo_logins() -> list[LoginRow]:
    """The demo logins that exist, in the documented order, with what each may see."""
    names = [x.username for x in LOGINS]
    found = {u.username: u for u in User.objects.filter(username__in=names)
             .select_related("organisation").prefetch_related("areas")}
    users = [found[n] for n in names if n in found]
    users += _extra_logins({x.role for x in LOGINS})
    return [LoginRow(u.username, str(u.get_role_display()), _scope(u), DEMO_PASSWORD)
            for u in users]
