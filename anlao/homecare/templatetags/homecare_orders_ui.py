"""Template filters of the order and credit pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from anlao.core.money import format_fen
from anlao.homecare.catalog.skills import level_label, skill_label
from anlao.homecare.models import Category

register = template.Library()
register.filter("skill_label", skill_label)
register.filter("level_label", level_label)


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as ``¥1,234.50`` (signed amounts keep their sign)."""
    if fen is None:
        return "—"
    return ("−" if fen < 0 else "") + format_fen(abs(int(fen)))


@register.filter
def field_errors(errors: dict | None, name: str) -> list[str]:
    """The messages of one field in a service's ``ValidationFailed.errors``."""
    return list((errors or {}).get(name, []))


@register.filter
def weekday_names(days: list[int] | None) -> str:
    """ISO weekdays (0 = Monday) as short names: 周二、周四."""
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return "、".join(names[d] for d in sorted(days or []) if 0 <= d <= 6)


@register.filter
def category_label(code: str) -> str:
    """A service category's name (a credit bucket's code: "cleaning" → 助洁)."""
    return str(Category(code).label) if code in Category.values else code
