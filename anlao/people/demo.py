"""Demo households: a deterministic share of elders living with family are paired into
two-person households at one address (bulk: one executemany, fast at a million elders)."""

from __future__ import annotations

import random
from typing import Any

from django.db import connection, transaction

from anlao.people.models import Elder, ElderStatus, Household, LivingSituation

SHARE = 0.08  # of elders living with family who are put in a two-elder household (assumption)


@transaction.atomic
def seed(seed: int, stdout: Any) -> None:
    rng = random.Random(seed * 7919 + 3)
    rows = list(
        Elder.objects.filter(status=ElderStatus.ACTIVE,
                             living_situation=LivingSituation.WITH_FAMILY)
        .order_by("residence_area_id", "id")
        .values_list("id", "residence_area_id", "address")
    )
    picked = [r for r in rows if rng.random() < SHARE]
    pairs = [(a, b) for a, b in zip(picked[::2], picked[1::2], strict=False) if a[1] == b[1]]
    households = Household.objects.bulk_create(
        [Household(address=a[2], area_id=a[1]) for a, _b in pairs], batch_size=2000)
    updates = []
    for household, (a, b) in zip(households, pairs, strict=True):
        updates.append((household.pk, a[2], a[0]))
        updates.append((household.pk, a[2], b[0]))
    table = Elder._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET household_id = %s, address = %s WHERE id = %s", updates)
    stdout.write(f"  households: {len(households):,} two-elder households\n")
