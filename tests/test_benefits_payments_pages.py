"""Payment and life-verification pages and the partner API: permissions and responses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anlao.benefits.models import BenefitRun, LifeVerification, Payment, PaymentAccount
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from anlao.core.models import AccessLog
from tests.api_client import ApiClient
from tests.benefits_fixtures import LIFE, write_policies
from tests.personas import make_elder
from tests.test_benefits_payments import ZHANG_CARD, return_file

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    (tmp_path / "test-life.yaml").write_text(LIFE, encoding="utf-8")
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    payments.account_set(actor=world.worker_a1, elder_id=world.zhang.pk, bank="ICBC",
                         account_number=ZHANG_CARD, holder="张桂兰")
    run = services.run_create(actor=world.district_officer, program="test-age-allowance",
                              period="2026-04", district_code="330105", today=TODAY)
    services.run_compute(actor=world.district_officer, run_id=run.pk)
    services.run_review(actor=world.district_officer, run_id=run.pk)
    world.run = services.run_approve(actor=world.city_admin, run_id=run.pk)
    return world


def client(user):
    c = Client()
    c.force_login(user)
    return c


def export(town):
    return client(town.district_officer).post(f"/benefits/runs/{town.run.pk}/export/")


def test_the_export_button_exports_and_the_run_page_offers_the_files(town):
    assert export(town).status_code == 302
    assert BenefitRun.objects.get(pk=town.run.pk).state == "exported"
    page = client(town.district_officer).get(f"/benefits/runs/{town.run.pk}/")
    assert b'id="payments"' in page.content and b"return-form" in page.content
    csv = client(town.auditor).get(f"/benefits/runs/{town.run.pk}/files/csv/")
    assert csv.status_code == 200 and ZHANG_CARD.encode() in csv.content
    assert AccessLog.objects.filter(field="bank_file.csv", actor=town.auditor).exists()
    pdf = client(town.city_admin).get(f"/benefits/runs/{town.run.pk}/files/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_files_are_404_for_a_worker_and_before_export(town):
    assert client(town.city_admin).get(
        f"/benefits/runs/{town.run.pk}/files/csv/").status_code == 404
    export(town)
    assert client(town.worker_a1).get(
        f"/benefits/runs/{town.run.pk}/files/csv/").status_code == 404


def test_a_bad_return_file_is_refused_on_the_page_with_the_reason(town):
    export(town)
    line = Payment.objects.get(run=town.run).line
    bad = return_file([line, ZHANG_CARD, "199.00", "paid", ""])
    response = client(town.city_admin).post(
        f"/benefits/runs/{town.run.pk}/return-file/",
        {"file": SimpleUploadedFile("r.csv", bad, "text/csv")}, follow=True)
    assert "differs from 200.00" in response.content.decode()
    assert Payment.objects.get(run=town.run).status == "pending"
    good = return_file([line, ZHANG_CARD, "200.00", "paid", ""])
    client(town.city_admin).post(f"/benefits/runs/{town.run.pk}/return-file/",
                                 {"file": SimpleUploadedFile("r.csv", good, "text/csv")})
    assert Payment.objects.get(run=town.run).status == "paid"


def test_a_worker_keeps_the_account_and_records_a_verification(town):
    c = client(town.worker_a1)
    url = f"/benefits/elders/{town.zhang.pk}/payment/"
    page = c.get(url)
    assert ZHANG_CARD.encode() not in page.content and ZHANG_CARD[-4:].encode() in page.content
    wrong = c.post(url, {"action": "account", "bank": "ICBC", "account_number": "1234",
                         "holder": "张桂兰"})
    assert b"16 to 19 digits" in wrong.content
    assert PaymentAccount.objects.filter(elder=town.zhang).count() == 1
    acc = PaymentAccount.objects.get(elder=town.zhang)
    shown = c.post(url, {"action": "reveal", "account": acc.pk})
    assert ZHANG_CARD.encode() in shown.content
    assert AccessLog.objects.filter(field="account_number", actor=town.worker_a1).count() == 1
    c.post(url, {"action": "verify", "verified_on": "2026-05-06", "method": "worker_visit"})
    assert LifeVerification.objects.get(elder=town.zhang).method == "worker_visit"


def test_the_elder_payment_page_is_404_outside_the_workers_area(town):
    assert client(town.worker_b1).get(
        f"/benefits/elders/{town.zhang.pk}/payment/").status_code == 404


def test_the_worklist_and_overpayment_pages_answer_by_role(town):
    assert client(town.worker_a1).get("/benefits/life/").status_code == 200
    assert client(town.caregiver).get("/benefits/life/").status_code == 403
    assert client(town.district_officer).get("/benefits/overpayments/").status_code == 200
    assert client(town.worker_a1).get("/benefits/overpayments/").status_code == 403


def test_area_staff_no_longer_post_to_the_partner_endpoint(town):
    """The face endpoint is the partners' (tests/test_benefits_partner.py); staff record
    verifications on the elder's payment page."""
    body = {"id_number": town.zhang.id_number, "method": "face", "result": "pass",
            "at": "2026-05-07T09:30:00+08:00", "idempotency_key": "k1"}
    for staff in (town.worker_a1, town.district_officer, town.caregiver):
        assert ApiClient(staff).post("/api/benefits/life-verifications/face",
                                     body).status_code == 403
    assert LifeVerification.objects.count() == 0
