"""Masking of personal data. Full values are shown only through a logged reveal."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``330105194912310021`` → ``330105********0021`` (area code and last four kept)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """For published lists: ``张三丰`` → ``张*丰``, ``李四`` → ``李*``."""
    if not value:
        return ""
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_address(value: str | None) -> str:
    """Keep the first half (community, building) and hide the rest (unit, room)."""
    if not value:
        return ""
    keep = (len(value) + 1) // 2
    return value[:keep] + "*" * (len(value) - keep)
