"""Template helpers of the assessment pages."""

from __future__ import annotations

from typing import Any

from django import template

from anlao.core.roles import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], perm: str) -> bool:
    """``{% may "assessment.import" as can_import %}``: show a link only to who may use it."""
    request = context.get("request")
    return has_perm(getattr(request, "user", None), perm)
