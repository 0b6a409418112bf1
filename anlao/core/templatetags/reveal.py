"""``{{ row.reason|reveal_reason }}``: an access-log reason in the reader's language."""

from __future__ import annotations

from django import template

from anlao.core.reveal import reason_display

register = template.Library()


@register.filter
def reveal_reason(stored: str) -> str:
    return reason_display(stored or "")
