"""The credit ledger as any consumer sees it: a source that is not home care ("test.meal")."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from anlao.credit import selectors, services
from anlao.credit.models import CreditEntry, CreditKind
from tests.personas import make_elder

MONTH = dt.date(2026, 10, 1)
AFTER = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)  # October has ended
MEAL, SUBSIDY = "test.meal", "test.subsidy"


@pytest.fixture
def elder(world):
    return make_elder(world.community_a1)


def _grant(world, elder, amount=1000, source_id=1, category=""):
    return services.credit_grant(actor=world.district_officer, elder_id=elder.pk, period=MONTH,
                                 amount=amount, source=SUBSIDY, source_id=source_id,
                                 category=category, note="meal subsidy")


def _hold(world, elder, amount, meal):
    return services.credit_hold(actor=world.worker_a1, elder_id=elder.pk, period=MONTH,
                                amount=amount, source=MEAL, source_id=meal)


def test_grant_hold_spend_release_and_expire(world, elder):
    _grant(world, elder, 1000)
    hold = _hold(world, elder, 300, meal=7)
    assert hold.amount == -300 and hold.kind == CreditKind.HOLD
    # a hold earmarks credit: the balance is unchanged, what is available is not
    assert selectors.balance(elder.pk, MONTH) == 1000
    assert (selectors.held(elder.pk, MONTH), selectors.available(elder.pk, MONTH, "")) == (300, 700)
    spend = services.credit_spend(actor=world.worker_a1, elder_id=elder.pk, period=MONTH,
                                  amount=250, source=MEAL, source_id=7, hold=(MEAL, 7))
    assert spend.amount == -250
    assert selectors.held(elder.pk, MONTH) == 0  # the spend settled the hold
    assert selectors.balance(elder.pk, MONTH) == selectors.available(elder.pk, MONTH, "") == 750
    _hold(world, elder, 200, meal=8)
    release = services.credit_release(actor=world.worker_a1, source=MEAL, source_id=8)
    assert release.amount == 200 and selectors.available(elder.pk, MONTH, "") == 750
    result = services.credit_close_month(actor=world.district_officer, period=MONTH,
                                         rollover=False, now=AFTER)
    assert result == {"elders": 1, "total": 750, "rollover": 0}
    assert selectors.balance(elder.pk, MONTH) == 0
    # every line names where it came from
    assert list(CreditEntry.objects.filter(elder=elder).values_list("kind", "source")) == [
        ("grant", SUBSIDY), ("hold", MEAL), ("release", MEAL), ("spend", MEAL), ("hold", MEAL),
        ("release", MEAL), ("expire", "")]


def test_rollover_carries_the_balance_and_a_closed_month_keeps_no_hold(world, elder):
    _grant(world, elder, 1000)
    _hold(world, elder, 400, meal=9)
    result = services.credit_close_month(actor=world.district_officer, period=MONTH,
                                         rollover=True, now=AFTER)
    assert result["total"] == 1000
    assert selectors.held(elder.pk, MONTH) == 0
    assert selectors.balance(elder.pk, dt.date(2026, 11, 1)) == 1000
    again = services.credit_close_month(actor=world.district_officer, period=MONTH,
                                        rollover=True, now=AFTER)
    assert again["total"] == 0
    assert CreditEntry.objects.filter(kind=CreditKind.RELEASE).count() == 1


def test_the_balance_never_goes_negative(world, elder):
    _grant(world, elder, 500)
    # a hold takes only what is available, and nothing when nothing is
    assert _hold(world, elder, 800, meal=1).amount == -500
    assert _hold(world, elder, 100, meal=2) is None
    # a spend without a hold may not take what another source holds
    assert services.credit_spend(actor=None, elder_id=elder.pk, period=MONTH, amount=100,
                                 source=MEAL, source_id=3) is None
    line = services.credit_spend(actor=None, elder_id=elder.pk, period=MONTH, amount=900,
                                 source=MEAL, source_id=1, hold=(MEAL, 1))
    assert line.amount == -500 and selectors.balance(elder.pk, MONTH) == 0
    with pytest.raises(ServiceError, match="negative"):
        services.credit_adjust(actor=world.district_officer, elder_id=elder.pk, period=MONTH,
                               amount=-1, note="correction")
    assert selectors.available(elder.pk, MONTH, "") == 0


def test_each_source_line_is_written_once(world, elder):
    grant = _grant(world, elder, 1000)
    assert _grant(world, elder, 1000).pk == grant.pk
    hold = _hold(world, elder, 300, meal=5)
    assert _hold(world, elder, 300, meal=5).pk == hold.pk
    release = services.credit_release(actor=None, source=MEAL, source_id=5)
    assert services.credit_release(actor=None, source=MEAL, source_id=5).pk == release.pk
    spend = services.credit_spend(actor=None, elder_id=elder.pk, period=MONTH, amount=200,
                                  source=MEAL, source_id=5)
    assert services.credit_spend(actor=None, elder_id=elder.pk, period=MONTH, amount=200,
                                 source=MEAL, source_id=5).pk == spend.pk
    refund = services.credit_refund(actor=None, source=MEAL, source_id=5, note="meal not served")
    assert refund.amount == 200
    assert services.credit_refund(actor=None, source=MEAL, source_id=5).pk == refund.pk
    assert selectors.balance(elder.pk, MONTH) == 1000
    assert [ln.kind for ln in selectors.lines_for(MEAL, 5)] == ["hold", "release", "spend",
                                                                "refund"]
    # nothing to give back: no line
    assert services.credit_release(actor=None, source=MEAL, source_id=99) is None
    assert services.credit_refund(actor=None, source=MEAL, source_id=99) is None


def test_a_category_bucket_is_drawn_before_the_general_one(world, elder):
    _grant(world, elder, 300, source_id=1, category="meals")
    _grant(world, elder, 500, source_id=2)
    first = services.credit_spend(actor=None, elder_id=elder.pk, period=MONTH, amount=200,
                                  source=MEAL, source_id=1, category="meals")
    assert first.category == "meals"
    assert selectors.balance(elder.pk, MONTH, category="meals") == 600
    assert selectors.balance(elder.pk, MONTH, category="cleaning") == 500


def test_adjustments_need_the_permission_and_a_reason_and_are_audited(world, elder):
    with pytest.raises(PermissionDenied):
        services.credit_adjust(actor=world.worker_a1, elder_id=elder.pk, period=MONTH,
                               amount=100, note="goodwill")
    with pytest.raises(ServiceError):
        services.credit_adjust(actor=world.district_officer, elder_id=elder.pk, period=MONTH,
                               amount=100, note=" ")
    line = services.credit_adjust(actor=world.district_officer, elder_id=elder.pk,
                                  period=dt.date(2026, 10, 17), amount=100, note="goodwill")
    assert (line.period, line.kind, selectors.balance(elder.pk, MONTH)) == (MONTH, "adjust", 100)
    assert AuditLog.objects.filter(action="credit.adjust", actor=world.district_officer).exists()
    with pytest.raises(ServiceError):
        services.credit_grant(actor=None, elder_id=elder.pk, period=MONTH, amount=0,
                              source=SUBSIDY, source_id=3)


def test_promises_registered_by_a_consumer_count_in_every_available(world, elder, monkeypatch):
    _grant(world, elder, 1000)
    monkeypatch.setattr(selectors, "_reservations", [lambda elder_id, period: 600])
    assert selectors.reserved(elder.pk, MONTH) == 600
    assert _hold(world, elder, 1000, meal=1).amount == -400
    assert selectors.reserved(elder.pk, MONTH) == 1000
    assert selectors.available(elder.pk, MONTH, "") == 0
