"""Compute → review the diff → approve → export → import the bank's return file, in a browser."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from anlao.benefits.models import BenefitRun, Payment
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder
from tests.test_benefits_payments import ZHANG_CARD

pytestmark = pytest.mark.browser
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def gongshu(world, settings, tmp_path):
    """March is approved already; 张桂兰 turns 90 in March (a tier change in April)."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15))
    make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=2)
    payments.account_set(actor=world.worker_a1, elder_id=world.zhang.pk, bank="ICBC",
                         account_number=ZHANG_CARD, holder="张桂兰")
    march = services.run_create(actor=world.district_officer, program="test-age-allowance",
                                period="2026-03", district_code="330105", today=TODAY)
    services.run_compute(actor=world.district_officer, run_id=march.pk)
    services.run_review(actor=world.district_officer, run_id=march.pk)
    services.run_approve(actor=world.city_admin, run_id=march.pk)
    return world


def test_compute_review_approve_export_and_import_the_return_file(
        gongshu, logged_in, page, live_server, tmp_path):
    logged_in(gongshu.district_officer)
    page.goto(live_server.url + "/benefits/runs/")
    page.select_option("#id_program", "test-age-allowance")
    page.fill("#id_period", "2026-04")
    page.click("#new-run button[type=submit]")
    page.click("button[value=compute]")
    expect(page.locator("#diff")).to_contain_text("1")
    expect(page.locator("#changes")).to_contain_text("张桂兰")
    page.click("button[value=review]")
    run_url = page.url
    page.context.clear_cookies()
    logged_in(gongshu.city_admin)
    page.goto(run_url)
    page.click("button[value=approve]")
    page.click("button[value=export]")
    expect(page.locator("#payments")).to_be_visible()
    expect(page.locator("#pay-total")).to_have_text("¥300.00")
    with page.expect_download() as info:
        page.click("#dl-csv")
    rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[-1][:5] == ["TOTAL", "1", "", "", "200.00"]  # 李明 has no account: held
    back = tmp_path / "return.csv"
    back.write_text(f"line,account_number,amount,result,reason\n{rows[1][0]},{ZHANG_CARD},"
                    "200.00,paid,\nTOTAL,1,200.00,,\n", encoding="utf-8")
    page.set_input_files("#id_return", str(back))
    page.click("#return-form button[type=submit]")
    expect(page.locator("#pay-status")).to_contain_text("paid")
    run = BenefitRun.objects.get(period="2026-04")
    assert run.state == "exported"
    assert dict(Payment.objects.filter(run=run).values_list("elder__name", "status")) == {
        "张桂兰": "paid", "李明": "held"}
