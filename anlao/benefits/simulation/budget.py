"""A program's yearly budget (the policy file's ``budget``) spread over its months; compared
with the runs by ``selectors.budget_vs_actual``."""

from __future__ import annotations


def monthly_budget(annual_fen: int, monthly_fen: int | None) -> list[int]:
    """Twelve monthly amounts that add up to the annual budget exactly (remainder up front)."""
    if monthly_fen is not None:
        return [monthly_fen] * 12
    base, rest = divmod(annual_fen, 12)
    return [base + (1 if i < rest else 0) for i in range(12)]
