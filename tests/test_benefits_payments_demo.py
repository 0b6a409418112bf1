"""The demo step gives a sample of elders valid bank accounts and verifications."""

from __future__ import annotations

import datetime as dt
import io

from anlao.benefits import demo
from anlao.benefits.models import LifeVerification, PaymentAccount
from anlao.benefits.payments import bankfiles
from tests.personas import make_elder


def test_the_demo_step_gives_valid_accounts_and_can_run_twice(world):
    for i in range(20):
        make_elder(world.community_a1, name=f"老人{i}", birth=dt.date(1935, 1, 1 + i), seq=i + 1)
    young = make_elder(world.community_a1, name="年轻", birth=dt.date(1970, 1, 1), seq=99)
    demo.seed(7, io.StringIO())
    demo.seed(7, io.StringIO())
    accounts = list(PaymentAccount.objects.all())
    assert 15 <= len(accounts) <= 20
    assert all(bankfiles.account_problem(a.bank, a.account_number) is None for a in accounts)
    assert not PaymentAccount.objects.filter(elder=young).exists()
    assert LifeVerification.objects.filter(note="demo").count() > 20
