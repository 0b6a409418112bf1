"""Demo data for payments: bank accounts and life verifications for a sample of elders aged
80 and over (`anlao demo` runs ``seed`` as an extra step; re-running replaces the sample).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anlao.benefits.models import LifeVerification, PaymentAccount, VerifyMethod
from anlao.benefits.payments.bankfiles import BANKS, luhn_ok
from anlao.core.periods import add_months, month_start
from anlao.people.models import Elder

SAMPLE = 3000
DEMO_NOTE = "demo"
METHODS = [VerifyMethod.IN_PERSON, VerifyMethod.WORKER_VISIT, VerifyMethod.VIDEO,
           VerifyMethod.FACE]


def _number(rng: random.Random, bank: str) -> str:
    lo, hi = BANKS[bank]["lengths"]
    body = "6" + "".join(rng.choice("0123456789") for _ in range(rng.randint(lo, hi) - 2))
    if not BANKS[bank]["luhn"]:
        return body + rng.choice("0123456789")
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _due_months(today: dt.date) -> list[dt.date]:
    """The last two May/November months on or before today."""
    months = [add_months(month_start(today), -k) for k in range(13)]
    return [m for m in months if m.month in (5, 11)][:2]


def seed(seed: int, stdout: Any) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    elders = list(Elder.objects.filter(status="active", birth_date__lte=today.replace(
        year=today.year - 80)).order_by("pk").values_list("pk", "name")[:SAMPLE])
    banks = list(BANKS)
    with transaction.atomic():
        PaymentAccount.objects.filter(created_by__isnull=True).delete()
        LifeVerification.objects.filter(note=DEMO_NOTE).delete()
        accounts, checks = [], []
        for pk, name in elders:
            if rng.random() < 0.95:  # a few have no account yet: their payments are held
                bank = rng.choice(banks)
                accounts.append(PaymentAccount(elder_id=pk, bank=bank, holder=name,
                                               account_number=_number(rng, bank)))
            for due in _due_months(today):
                if rng.random() < 0.9:  # one in ten misses a round
                    day = due.replace(day=rng.randint(1, 28))
                    method = rng.choice(METHODS)
                    score = Decimal("0.9") if method == VerifyMethod.FACE else None
                    checks.append(LifeVerification(
                        elder_id=pk, verified_on=min(day, today), method=method,
                        note=DEMO_NOTE, score=score))
        PaymentAccount.objects.bulk_create(accounts, batch_size=5000)
        LifeVerification.objects.bulk_create(checks, batch_size=5000)
    stdout.write(f"  payments: {len(accounts):,} accounts, {len(checks):,} life verifications "
                 f"in {time.perf_counter() - started:.1f} s")
