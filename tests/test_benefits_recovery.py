"""Recovering overpayments by deduction from later runs (and by hand for deceased elders)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.benefits.models import Deduction, Overpayment, Payment
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import recovery, services
from anlao.core.models import AuditLog
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder
from tests.test_benefits_payments import WANG_BOOK, ZHANG_CARD, account, exported

TODAY = dt.date(2026, 11, 24)


def test_at_most_the_share_of_a_months_payment_is_deducted():
    # (overpayment, elder, still owed); elder 1 is paid 10,000, elder 2 20,000 fen.
    got = recovery.deductions([(1, 1, 15000), (2, 2, 3000)], {1: 10000, 2: 20000}, {}, 50)
    assert got == [(1, 1, 5000), (2, 2, 3000)]


def test_other_pending_runs_holding_back_reduce_what_is_left():
    assert recovery.deductions([(1, 1, 8000)], {1: 10000}, {1: 5000}, 50) == [(1, 1, 3000)]
    assert recovery.deductions([(1, 1, 8000)], {1: 10000}, {1: 8000}, 50) == []


def test_the_oldest_overpayment_is_recovered_first_within_one_cap():
    got = recovery.deductions([(1, 1, 2000), (2, 1, 9000)], {1: 10000}, {}, 50)
    assert got == [(1, 1, 2000), (2, 1, 3000)]


def test_an_elder_not_paid_this_run_has_nothing_deducted():
    assert recovery.deductions([(1, 7, 5000)], {1: 10000}, {}, 50) == []


@pytest.fixture
def town(world, settings, tmp_path):
    """王德福 (paid 100 元 a month) was overpaid 150 元 in April after a stop."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.wang = make_elder(world.community_a1, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    account(world, world.zhang, "ICBC", ZHANG_CARD)
    account(world, world.wang, "HZBANK", WANG_BOOK)
    world.april = exported(world, "2026-04")
    world.over = Overpayment.objects.create(elder=world.wang, source_run=world.april,
                                            found_by=world.april, amount_fen=15000,
                                            reason="stopped")
    return world


def computed(world, period):
    run = services.run_create(actor=world.district_officer, program="test-age-allowance",
                              period=period, district_code="330105", today=TODAY)
    return services.run_compute(actor=world.district_officer, run_id=run.pk)


def finish(world, run):
    services.run_review(actor=world.district_officer, run_id=run.pk)
    services.run_approve(actor=world.city_admin, run_id=run.pk)
    return payments.run_export(actor=world.city_admin, run_id=run.pk)


def wang_line(run, world):
    return Payment.objects.get(run=run, elder=world.wang, kind="regular").amount_fen


def test_a_run_deducts_half_the_payment_and_recomputing_does_not_deduct_twice(town):
    may = computed(town, "2026-05")
    may = services.run_compute(actor=town.district_officer, run_id=may.pk)
    assert list(Deduction.objects.filter(run=may).values_list("elder_id", "amount_fen")) == [
        (town.wang.pk, 5000)]
    assert may.summary["deductions"] == {"count": 1, "total_fen": 5000}
    assert may.total_fen == 30000  # the entitlements stay gross; the bank line is net
    may = finish(town, may)
    assert wang_line(may, town) == 5000
    assert may.summary["export"]["deducted_fen"] == 5000
    town.over.refresh_from_db()
    assert (town.over.status, town.over.recovered_fen) == ("recovering", 5000)
    assert AuditLog.objects.filter(action="overpayment.deduct").count() == 1


def test_deductions_stop_when_the_overpayment_is_fully_recovered(town):
    for period in ("2026-05", "2026-06", "2026-07"):
        finish(town, computed(town, period))
    august = finish(town, computed(town, "2026-08"))
    town.over.refresh_from_db()
    assert (town.over.status, town.over.recovered_fen) == ("recovered", 15000)
    assert wang_line(august, town) == 10000 and not Deduction.objects.filter(run=august).exists()


def test_a_run_pending_export_holds_its_deduction_back_from_the_next_one(town):
    town.over.amount_fen = 8000
    town.over.save()
    may = computed(town, "2026-05")
    services.run_review(actor=town.district_officer, run_id=may.pk)
    services.run_approve(actor=town.city_admin, run_id=may.pk)  # approved, not exported
    june = computed(town, "2026-06")
    assert Deduction.objects.get(run=june).amount_fen == 3000


def test_the_share_is_a_setting(town, settings):
    settings.BENEFITS_RECOVERY_SHARE = 30
    may = computed(town, "2026-05")
    assert Deduction.objects.get(run=may).amount_fen == 3000


def test_a_deceased_elders_overpayment_is_left_for_recovery_by_hand(town):
    town.wang.status, town.wang.status_date = "deceased", dt.date(2026, 4, 20)
    town.wang.save()
    may = finish(town, computed(town, "2026-05"))
    assert not Deduction.objects.exists()
    page = client(town.district_officer).get("/benefits/overpayments/").content.decode()
    assert "by hand: refund from the estate" in page
    line = payments.overpayment_update(actor=town.city_admin, overpayment_id=town.over.pk,
                                       status="recovering", recovered_fen=10000)
    assert (line.status, may.state) == ("recovering", "exported")


def client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_the_run_page_and_the_explanation_show_the_deduction(town):
    may = computed(town, "2026-05")
    c = client(town.district_officer)
    run_page = c.get(f"/benefits/runs/{may.pk}/").content.decode()
    assert 'id="deductions"' in run_page and "¥50.00" in run_page
    why = c.get("/benefits/explain/", {"program": "test-age-allowance", "period": "2026-05",
                                       "elder": town.wang.pk}).content.decode()
    assert "is deducted from this payment to recover money overpaid in 2026-04" in why
    ledger = c.get("/benefits/overpayments/").content.decode()
    assert "deducted from later payments" in ledger and "held back by runs" in ledger
