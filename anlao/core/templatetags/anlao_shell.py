"""Small template filters of the shell pages (lockout, audit diffs)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A cool-off period in whole minutes, rounded up (never "0 minutes")."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))


@register.filter
def as_json(value: Any) -> str:
    """An audit value as compact readable text: strings bare, anything else as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
