"""Money is integer fen (分). Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    return int((Decimal(str(yuan)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_fen(fen: int) -> str:
    return f"¥{fen_to_yuan(fen):,.2f}"
