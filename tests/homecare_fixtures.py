"""Home-care fixture data for tests: the shipped catalog, an active contract of the persona
provider for streets A and B, and credit lines written directly (data, not code under test)."""

from __future__ import annotations

import datetime as dt

from anlao.credit.models import CreditEntry, CreditKind
from anlao.homecare.catalog.services import catalog_load
from anlao.homecare.models import (
    Contract,
    ContractItem,
    ContractState,
    ServiceItem,
)
from tests.personas import World

TODAY = dt.date(2026, 11, 24)
MONTH = dt.date(2026, 11, 1)


def load_catalog() -> dict[str, ServiceItem]:
    catalog_load(actor=None)
    return {i.code: i for i in ServiceItem.objects.all()}


def active_contract(world: World, *, provider=None, streets=None, number: str = "HC-2026-001",
                    prices: dict[str, int] | None = None, start: dt.date = dt.date(2026, 1, 1),
                    end: dt.date = dt.date(2026, 12, 31)) -> Contract:
    items = load_catalog()
    contract = Contract.objects.create(number=number, provider=provider or world.provider,
                                       start=start, end=end, state=ContractState.ACTIVE)
    contract.streets.set(streets or [world.street_a, world.street_b])
    for code, fen in (prices or {"BATH-HOME": 10000, "CLEAN-HOME": 8000, "DAILY-CARE": 4000,
                                 "COMPANION": 3000}).items():
        ContractItem.objects.create(contract=contract, item=items[code], price_fen=fen)
    return contract


def grant(elder, fen: int, *, period: dt.date = MONTH, category: str = "") -> CreditEntry:
    return CreditEntry.objects.create(elder=elder, period=period, kind=CreditKind.GRANT,
                                      amount=fen, category=category, note="fixture")
