"""Supplementary runs (补发): pay exactly the failed lines and owed back-pay, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from anlao.benefits.models import BackPay, BenefitRun, Payment, Resend
from anlao.benefits.payments import exports
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from anlao.core.errors import PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from tests.benefits_fixtures import LIFE, write_policies
from tests.personas import make_elder
from tests.test_benefits_life import verify
from tests.test_benefits_payments import (
    WANG_BOOK,
    ZHANG_CARD,
    account,
    exported,
    line_no,
    return_file,
)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    """张桂兰 and 王德福 (A1) have accounts; 李明 (B1) has none. April is exported and the
    bank failed 王德福's line (account closed)."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    (tmp_path / "test-life.yaml").write_text(LIFE, encoding="utf-8")
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.wang = make_elder(world.community_a1, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    world.li = make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=3)
    account(world, world.zhang, "ICBC", ZHANG_CARD)
    account(world, world.wang, "HZBANK", WANG_BOOK)
    world.april = exported(world, "2026-04")
    content = return_file(
        [line_no(world.april, world.zhang), ZHANG_CARD, "200.00", "paid", ""],
        [line_no(world.april, world.wang), WANG_BOOK, "100.00", "failed", "账户已销户"])
    payments.return_import(actor=world.city_admin, run_id=world.april.pk, content=content)
    return world


def supplement(world, period="2026-04", program="test-age-allowance", export=True):
    run = services.supplementary_create(actor=world.district_officer, program=program,
                                             period=period, district_code="330105", today=TODAY)
    run = services.run_compute(actor=world.district_officer, run_id=run.pk)
    if export:
        services.run_review(actor=world.district_officer, run_id=run.pk)
        services.run_approve(actor=world.city_admin, run_id=run.pk)
        run = payments.run_export(actor=world.city_admin, run_id=run.pk)
    return run


def paid_lines(run):
    return sorted((p.elder.name, p.kind, p.amount_fen, p.status) for p in
                  Payment.objects.filter(run=run).select_related("elder"))


def test_a_supplementary_run_pays_exactly_the_failed_lines_once_the_account_is_fixed(town):
    account(town, town.wang, "HZBANK", "330100200099")  # the new passbook
    account(town, town.li, "HZBANK", "330100200077", actor=town.worker_b1)  # held in April
    run = supplement(town)
    assert (run.kind, run.state, run.total_fen, run.paid_count) == (
        "supplementary", "exported", 20000, 2)
    assert paid_lines(run) == [("李明", "carried", 10000, "pending"),
                               ("王德福", "carried", 10000, "pending")]
    wang = Payment.objects.get(run=run, elder=town.wang)
    assert wang.account_number == "330100200099" and wang.carried_from.run_id == town.april.pk
    # Its own bank file, totals reconciling to the run.
    csv_text = exports.bank_csv(run).decode("utf-8-sig")
    assert "330100200099" in csv_text and csv_text.rstrip().splitlines()[-1].startswith(
        "TOTAL,2,,,200.00")


def test_a_failed_line_paid_by_a_supplementary_run_is_not_carried_into_the_next_run(town):
    account(town, town.wang, "HZBANK", "330100200099")
    supplement(town)
    may = exported(town, "2026-05")
    assert not Payment.objects.filter(run=may, kind="carried", elder=town.wang).exists()
    assert Payment.objects.filter(elder=town.wang, kind="carried").count() == 1


def test_a_line_claimed_by_a_computed_supplementary_run_is_not_carried_meanwhile(town):
    account(town, town.wang, "HZBANK", "330100200099")
    pending = supplement(town, export=False)  # computed: the line is claimed
    may = exported(town, "2026-05")
    assert not Payment.objects.filter(run=may, kind="carried", elder=town.wang).exists()
    services.supplementary_discard(actor=town.district_officer, run_id=pending.pk)
    assert not Resend.objects.exists() and not BenefitRun.objects.filter(pk=pending.pk).exists()
    june = exported(town, "2026-06")  # discarded: the next regular run carries it
    assert Payment.objects.filter(run=june, kind="carried", elder=town.wang).count() == 1


def test_a_line_already_carried_by_a_regular_run_is_not_paid_again(town):
    account(town, town.wang, "HZBANK", "330100200099")
    exported(town, "2026-05")  # carries 王德福's failed April line
    run = supplement(town, period="2026-05")
    assert run.total_fen == 0 and paid_lines(run) == []


def test_a_supplementary_run_needs_the_months_exported_run_and_another_approver(town):
    with pytest.raises(ServiceError, match="exported first"):
        services.supplementary_create(actor=town.district_officer,
                                           program="test-age-allowance", period="2026-05",
                                           district_code="330105", today=TODAY)
    run = supplement(town, export=False)
    with pytest.raises(ServiceError, match="already exists"):
        supplement(town, export=False)
    services.run_review(actor=town.district_officer, run_id=run.pk)
    with pytest.raises(ServiceError, match="someone other"):
        services.run_approve(actor=town.district_officer, run_id=run.pk)
    with pytest.raises(PermissionDenied):
        services.supplementary_discard(actor=town.street_officer_b, run_id=run.pk)
    assert AuditLog.objects.filter(action="benefit_run.create_supplementary").count() == 1


def test_an_exported_regular_run_cannot_be_discarded(town):
    with pytest.raises(ServiceError, match="discarded"):
        services.supplementary_discard(actor=town.district_officer, run_id=town.april.pk)


def life_month(world, period):
    run = services.run_create(actor=world.district_officer, program="test-life", period=period,
                              district_code="330105", today=TODAY)
    services.run_compute(actor=world.district_officer, run_id=run.pk)
    services.run_review(actor=world.district_officer, run_id=run.pk)
    services.run_approve(actor=world.city_admin, run_id=run.pk)
    return payments.run_export(actor=world.city_admin, run_id=run.pk)


def test_back_pay_after_a_late_verification_is_paid_by_the_supplementary_run_only(town):
    verify(town, town.zhang, dt.date(2026, 5, 10))  # 王德福 misses May
    verify(town, town.wang, dt.date(2025, 11, 15))
    life_month(town, "2026-06")
    life_month(town, "2026-07")
    verify(town, town.wang, dt.date(2026, 7, 20), method="worker_visit")
    run = supplement(town, period="2026-07", program="test-life")
    assert sorted(BackPay.objects.filter(run=run).values_list("month", "amount_fen")) == [
        ("2026-06", 10000), ("2026-07", 10000)]
    assert paid_lines(run) == [("王德福", "backpay", 20000, "pending")]
    august = life_month(town, "2026-08")  # resumes, but the back-pay is not paid again
    assert not BackPay.objects.filter(run=august).exists()
    assert dict(Payment.objects.filter(run=august).values_list("elder__name", "amount_fen")) \
        == {"张桂兰": 20000, "王德福": 10000}


def test_back_pay_already_in_a_computed_regular_run_is_not_claimed_again(town):
    verify(town, town.zhang, dt.date(2026, 5, 10))
    verify(town, town.wang, dt.date(2025, 11, 15))
    life_month(town, "2026-06")
    verify(town, town.wang, dt.date(2026, 6, 20), method="video")
    july = services.run_create(actor=town.district_officer, program="test-life",
                               period="2026-07", district_code="330105", today=TODAY)
    services.run_compute(actor=town.district_officer, run_id=july.pk)  # holds June's back-pay
    run = supplement(town, period="2026-06", program="test-life", export=False)
    assert not BackPay.objects.filter(run=run).exists() and run.total_fen == 0
    assert BackPay.objects.filter(run=july, month="2026-06").count() == 1


def page_client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_the_pages_create_show_and_discard_a_supplementary_run(town):
    account(town, town.wang, "HZBANK", "330100200099")
    c = page_client(town.district_officer)
    april_page = c.get(f"/benefits/runs/{town.april.pk}/").content.decode()
    assert "New supplementary run" in april_page
    made = c.post("/benefits/runs/", {"program": "test-age-allowance", "period": "2026-04",
                                      "district": "330105", "kind": "supplementary"})
    run = BenefitRun.objects.get(kind="supplementary")
    assert made.status_code == 302 and made["Location"] == f"/benefits/runs/{run.pk}/"
    services.run_compute(actor=town.district_officer, run_id=run.pk)
    page = c.get(f"/benefits/runs/{run.pk}/").content.decode()
    assert 'id="resends"' in page and "王德福" in page and "账户已销户" in page
    assert "张桂兰" not in page  # paid in April: not part of it
    assert page_client(town.worker_b1).get(f"/benefits/runs/{run.pk}/").status_code in (403, 404)
    gone = c.post(f"/benefits/runs/{run.pk}/discard/")
    assert gone.status_code == 302 and not BenefitRun.objects.filter(pk=run.pk).exists()
    refused = c.post("/benefits/runs/", {"program": "test-age-allowance", "period": "2026-05",
                                         "district": "330105", "kind": "supplementary"},
                     follow=True)
    assert "exported first" in refused.content.decode()


def test_a_failed_line_whose_account_was_not_fixed_is_left_for_the_regular_run(town):
    run = supplement(town, export=False)  # 王德福 still has the closed passbook on file
    assert run.total_fen == 0 and not Resend.objects.exists()
    may = exported(town, "2026-05")
    assert Payment.objects.filter(run=may, kind="carried", elder=town.wang).count() == 1
