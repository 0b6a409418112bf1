"""Login lockout with a limit per kind of count: a username from one address, a username
from anywhere, an address for any username.

django-axes counts failures for each of ``AXES_LOCKOUT_PARAMETERS`` but compares them all
with one ``AXES_FAILURE_LIMIT``. A spray (one password over many users from one address)
or a distributed guess (one user from many addresses) needs a wider window than a typo
streak, or an office behind one NAT address would lock itself out: each count here has
its own limit (``AXES_LIMITS``), and a count at its limit reports the base limit, so
axes locks exactly when one of them is reached.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _key(parameter: str | list[str]) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials),
                                       strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            limit = settings.AXES_LIMITS.get(_key(parameter), base)
            worst = max(worst, max(count, base) if count >= limit else min(count, base - 1))
        return worst
