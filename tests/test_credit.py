"""Service-credit ledger arithmetic (anlao/credit) as benefit runs and home-care visits use it."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.benefits.models import BenefitRun, Entitlement
from anlao.core.errors import ServiceError
from anlao.credit import selectors, services
from anlao.credit.models import CreditEntry, CreditKind
from anlao.homecare.models import VISIT_CREDIT_SOURCE, Order, Visit
from anlao.homecare.orders import services as orders
from anlao.homecare.visits import credit as visit_credit
from tests.homecare_fixtures import MONTH, TODAY, active_contract, grant
from tests.personas import make_elder

PROGRAM = "homecare-service-credit"


def _run(world, state="approved", program=PROGRAM, period="2026-11"):
    return BenefitRun.objects.create(program=program, period=period, area=world.district,
                                     state=state)


@pytest.fixture
def policies(settings):
    settings.BENEFITS_POLICY_DIR = settings.BASE_DIR / "policies"


def test_an_approved_run_grants_each_paid_elder_once(world, policies):
    a, b = make_elder(world.community_a1, seq=1), make_elder(world.community_a1, seq=2)
    run = _run(world)
    Entitlement.objects.create(run=run, elder=a, amount_fen=20000, tier="level2")
    Entitlement.objects.create(run=run, elder=b, amount_fen=40000, tier="extreme-poverty")
    assert services.credit_grant_from_run(actor=world.district_officer, run=run) == 2
    assert services.credit_grant_from_run(actor=world.district_officer, run=run) == 0
    assert selectors.balance(a.pk, MONTH) == 20000 and selectors.balance(b.pk, MONTH) == 40000
    assert set(CreditEntry.objects.values_list("run_id", flat=True)) == {run.pk}


def test_a_run_not_yet_approved_grants_nothing(world, policies):
    with pytest.raises(ServiceError) as info:
        services.credit_grant_from_run(actor=world.district_officer, run=_run(world, "computed"))
    assert info.value.code == "state"


def test_a_cash_program_is_not_granted_as_credit(world, policies):
    run = _run(world, program="gongshu-80-89-allowance")
    with pytest.raises(ServiceError) as info:
        services.credit_grant_from_run(actor=world.district_officer, run=run)
    assert info.value.code == "payout"


def test_the_grant_for_a_month_takes_only_service_credit_runs(world, policies):
    elder = make_elder(world.community_a1)
    cash, svc = _run(world, program="gongshu-80-89-allowance"), _run(world)
    for run in (cash, svc):
        Entitlement.objects.create(run=run, elder=elder, amount_fen=5000)
    assert services.credit_grant_for_month(actor=world.district_officer, period=MONTH) == 1
    assert CreditEntry.objects.get().run == svc


def _verified_visit(world, elder, price_item="BATH-HOME"):
    order = orders.order_create(actor=world.worker_a1, elder=elder.pk, item=price_item,
                                date=dt.date(2026, 11, 25), window_start=dt.time(9),
                                window_end=dt.time(11), channel="community", today=TODAY)
    return Visit.objects.get(order=order)


def test_a_partial_spend_leaves_the_rest_as_copay_and_a_refund_gives_it_back(world):
    active_contract(world)
    elder = make_elder(world.community_a1)
    grant(elder, 6000)
    visit = _verified_visit(world, elder)
    line = visit_credit.credit_spend_for_visit(visit=visit)
    assert line.amount == -6000 and (line.source, line.source_id) == (VISIT_CREDIT_SOURCE, visit.pk)
    order = Order.objects.get(pk=visit.order_id)
    assert (order.credit_fen, order.copay_fen) == (6000, 4000)
    assert selectors.balance(elder.pk, MONTH) == 0
    assert visit_credit.credit_spend_for_visit(visit=visit).pk == line.pk  # once only
    refund = visit_credit.credit_refund_for_visit(visit=visit)
    assert refund.amount == 6000
    assert visit_credit.credit_refund_for_visit(visit=visit).pk == refund.pk
    assert selectors.balance(elder.pk, MONTH) == 6000


def test_a_spend_draws_on_the_items_own_category_first(world):
    active_contract(world)
    elder = make_elder(world.community_a1)
    grant(elder, 5000)
    grant(elder, 20000, category="bathing")
    line = visit_credit.credit_spend_for_visit(visit=_verified_visit(world, elder))
    assert line.category == "bathing" and line.amount == -10000
    assert selectors.balance(elder.pk, MONTH, category="cleaning") == 5000


def test_a_visit_without_credit_is_all_copay(world):
    active_contract(world)
    elder = make_elder(world.community_a1)
    visit = _verified_visit(world, elder)
    assert visit_credit.credit_spend_for_visit(visit=visit) is None
    assert Order.objects.get(pk=visit.order_id).copay_fen == 10000


@pytest.mark.parametrize("rollover", [False, True])
def test_month_end_expires_or_rolls_over_the_balance(world, rollover):
    elder = make_elder(world.community_a1)
    grant(elder, 7000, period=dt.date(2026, 10, 1))
    now = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    result = services.credit_close_month(actor=world.district_officer,
                                       period=dt.date(2026, 10, 1), rollover=rollover, now=now)
    assert result["total"] == 7000
    assert selectors.balance(elder.pk, dt.date(2026, 10, 1)) == 0
    assert selectors.balance(elder.pk, MONTH) == (7000 if rollover else 0)
    again = services.credit_close_month(actor=world.district_officer, period=dt.date(2026, 10, 1),
                                      rollover=rollover, now=now)
    assert again["total"] == 0
    kinds = set(CreditEntry.objects.values_list("kind", flat=True))
    assert (CreditKind.ROLLOVER in kinds) == rollover


def test_a_month_cannot_be_closed_before_it_ends(world):
    with pytest.raises(ServiceError):
        services.credit_close_month(actor=world.district_officer, period=MONTH,
                                  now=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))


def test_a_service_credit_run_has_no_bank_file(world, policies):
    from anlao.benefits.payments import services as payments

    a = make_elder(world.community_a1, seq=1)
    run = _run(world)
    Entitlement.objects.create(run=run, elder=a, amount_fen=20000, tier="level2")
    with pytest.raises(ServiceError, match="service credit"):
        payments.run_export(actor=world.district_officer, run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "approved"
