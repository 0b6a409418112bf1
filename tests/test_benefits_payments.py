"""Payments: accounts, export of an approved run, the bank's return file, overpayments."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from anlao.benefits.models import Overpayment, Payment, PaymentAccount
from anlao.benefits.payments import bankfiles, exports
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AccessLog, AuditLog
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if bankfiles.luhn_ok(body + d))


ZHANG_CARD = with_check_digit("622202100000000001")  # 19 digits, ICBC debit card
WANG_BOOK = "330100200012"  # 12-digit passbook of 杭州银行: no check digit


@pytest.fixture
def town(world, settings, tmp_path):
    """张桂兰 (90+) and 王德福 in community A1 have accounts; 李明 in B1 has none yet."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.wang = make_elder(world.community_a1, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    world.li = make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=3)
    account(world, world.zhang, "ICBC", ZHANG_CARD)
    account(world, world.wang, "HZBANK", WANG_BOOK)
    return world


def account(world, elder, bank, number, actor=None, holder=None):
    return payments.account_set(actor=actor or world.worker_a1, elder_id=elder.pk, bank=bank,
                                account_number=number, holder=holder or elder.name)


def exported(world, period="2026-04"):
    run = services.run_create(actor=world.district_officer, program="test-age-allowance",
                              period=period, district_code="330105", today=TODAY)
    services.run_compute(actor=world.district_officer, run_id=run.pk)
    services.run_review(actor=world.district_officer, run_id=run.pk)
    services.run_approve(actor=world.city_admin, run_id=run.pk)
    return payments.run_export(actor=world.city_admin, run_id=run.pk)


def lines(run):
    return {p.elder.name: (p.kind, p.amount_fen, p.status) for p in
            Payment.objects.filter(run=run).select_related("elder")}


def return_file(*rows, total=None):
    body = [bankfiles.RETURN_HEADER, *[list(map(str, r)) for r in rows]]
    count, fen = total if total else (len(rows), sum(bankfiles.parse_yuan(r[2]) for r in rows))
    body.append(["TOTAL", str(count), bankfiles.yuan(fen), "", ""])
    buf = io.StringIO()
    csv.writer(buf).writerows(body)
    return buf.getvalue().encode()


def line_no(run, elder):
    return Payment.objects.get(run=run, elder=elder, carried_from__isnull=True).line


# ---- accounts -----------------------------------------------------------------------------

@pytest.mark.parametrize("bank, number, field, message", [
    ("ICBC", ZHANG_CARD[:-1] + str((int(ZHANG_CARD[-1]) + 1) % 10), "account_number",
     "check digit"),
    ("ICBC", "62220210000", "account_number", "16 to 19 digits"),
    ("HZBANK", "3301-0020-0012x", "account_number", "digits only"),
    ("NOBANK", WANG_BOOK, "bank", "Choose a bank"),
])
def test_a_bad_account_is_refused_and_nothing_changes(town, bank, number, field, message):
    with pytest.raises(ValidationFailed) as info:
        account(town, town.zhang, bank, number)
    assert message in info.value.errors[field][0]
    assert PaymentAccount.objects.get(elder=town.zhang, active=True).account_number == ZHANG_CARD


def test_a_new_account_closes_the_old_one_and_keeps_it_as_history(town):
    new = account(town, town.zhang, "HZBANK", "3301 0020 0099")  # spaces as written on paper
    history = list(PaymentAccount.objects.filter(elder=town.zhang).values_list(
        "account_number", "active"))
    assert history == [("330100200099", True), (ZHANG_CARD, False)]
    assert new.masked == "********0099"
    row = AuditLog.objects.filter(action="payment_account.set").latest("id")
    assert "330100200099" not in str(row.after) and row.after["account"] == "********0099"


def test_revealing_an_account_number_is_logged(town):
    acc = PaymentAccount.objects.get(elder=town.zhang, active=True)
    assert payments.account_reveal(actor=town.worker_a1, account_id=acc.pk,
                                   reason="payment", note="bank query") == ZHANG_CARD
    assert AccessLog.objects.filter(entity_id=str(acc.pk), field="account_number").count() == 1


def test_accounts_are_kept_by_area_staff_of_the_elders_area_only(town):
    with pytest.raises(NotFound):
        account(town, town.zhang, "ICBC", ZHANG_CARD, actor=town.worker_b1)
    for outsider in (town.caregiver, town.auditor):
        with pytest.raises(PermissionDenied):
            account(town, town.zhang, "ICBC", ZHANG_CARD, actor=outsider)
    acc = PaymentAccount.objects.get(elder=town.zhang, active=True)
    with pytest.raises(NotFound):
        payments.account_reveal(actor=town.worker_b1, account_id=acc.pk)


# ---- export -------------------------------------------------------------------------------

def test_export_freezes_the_run_and_writes_lines_that_reconcile_to_it(town):
    run = exported(town)
    assert run.state == "exported"
    assert lines(run) == {"张桂兰": ("regular", 20000, "pending"),
                          "王德福": ("regular", 10000, "pending"),
                          "李明": ("regular", 10000, "held")}  # no account yet
    assert run.summary["export"]["regular_fen"] == run.total_fen == 40000
    assert (run.summary["export"]["bank_lines"], run.summary["export"]["bank_fen"]) == (2, 30000)
    rows = list(csv.reader(io.StringIO(exports.bank_csv(run).decode("utf-8-sig"))))
    assert rows[0] == bankfiles.EXPORT_HEADER
    assert [r[1] for r in rows[1:-1]] == [ZHANG_CARD, WANG_BOOK]
    assert rows[-1][:5] == ["TOTAL", "2", "", "", "300.00"]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.bank_xlsx(run))).active
    assert [c.value for c in sheet[sheet.max_row]][:5] == ["TOTAL", "2", None, None, "300.00"]
    assert sheet["B2"].value == ZHANG_CARD  # text, not a rounded number


def test_the_printable_list_has_one_section_per_community_with_totals(town):
    run = exported(town)
    sections = exports.community_sections(run)
    assert [(s["name"], s["count"], s["total_fen"]) for s in sections] == [
        (town.community_a1.name, 2, 30000), (town.community_b1.name, 1, 10000)]
    assert sum(s["total_fen"] for s in sections) == run.summary["export"]["total_fen"]
    assert exports.community_pdf(run).startswith(b"%PDF")


def test_only_an_approved_run_can_be_exported_and_only_by_an_officer(town):
    run = services.run_create(actor=town.district_officer, program="test-age-allowance",
                              period="2026-04", district_code="330105", today=TODAY)
    with pytest.raises(ServiceError):
        payments.run_export(actor=town.city_admin, run_id=run.pk)
    with pytest.raises(PermissionDenied):
        payments.run_export(actor=town.street_officer_a, run_id=run.pk)
    assert not Payment.objects.exists()


# ---- return file --------------------------------------------------------------------------

def test_a_return_file_marks_lines_paid_or_failed_and_failures_carry_into_the_next_run(town):
    run = exported(town)
    content = return_file(
        [line_no(run, town.zhang), ZHANG_CARD, "200.00", "paid", ""],
        [line_no(run, town.wang), WANG_BOOK, "100.00", "failed", "账户已销户"])
    assert payments.return_import(actor=town.city_admin, run_id=run.pk, content=content) == {
        "paid": 1, "failed": 1, "paid_fen": 20000}
    assert lines(run)["王德福"] == ("regular", 10000, "failed")
    account(town, town.li, "HZBANK", "330100200077", actor=town.worker_b1)
    may = exported(town, "2026-05")
    carried = {p.elder.name: (p.amount_fen, p.status, p.carried_from.run_id) for p in
               Payment.objects.filter(run=may, kind="carried").select_related("elder")}
    assert carried == {"王德福": (10000, "pending", run.pk), "李明": (10000, "pending", run.pk)}
    assert may.summary["export"]["carried_fen"] == 20000


@pytest.mark.parametrize("case, message", [
    ("unknown", "is not in this run's bank file"),
    ("amount", "differs from"),
    ("account", "the account does not match"),
    ("totals", "The totals do not match"),
    ("reason", "needs a reason"),
    ("twice", "appears twice"),
])
def test_a_bad_return_file_is_refused_whole_and_changes_nothing(town, case, message):
    run = exported(town)
    zhang = [line_no(run, town.zhang), ZHANG_CARD, "200.00", "paid", ""]
    wang = [line_no(run, town.wang), WANG_BOOK, "100.00", "paid", ""]
    total = None
    if case == "unknown":
        wang[0] = 99
    elif case == "amount":
        wang[2] = "100.01"
    elif case == "account":
        wang[1] = "330100200013"
    elif case == "totals":
        total = (2, 30100)
    elif case == "reason":
        wang[3] = "failed"
    elif case == "twice":
        wang = list(zhang)
    with pytest.raises(ValidationFailed) as info:
        payments.return_import(actor=town.city_admin, run_id=run.pk,
                               content=return_file(zhang, wang, total=total))
    assert any(message in e for e in info.value.errors["file"])
    assert set(Payment.objects.filter(run=run).values_list("status", flat=True)) == {
        "pending", "held"}


def test_a_return_file_without_the_header_or_total_is_refused(town):
    run = exported(town)
    with pytest.raises(ValidationFailed):
        payments.return_import(actor=town.city_admin, run_id=run.pk, content=b"1,2,3\n")
    no_total = return_file([line_no(run, town.zhang), ZHANG_CARD, "200.00", "paid", ""])
    no_total = no_total.rsplit(b"TOTAL", 1)[0]
    with pytest.raises(ValidationFailed) as info:
        payments.return_import(actor=town.city_admin, run_id=run.pk, content=no_total)
    assert "TOTAL row is missing" in info.value.errors["file"][0]


def test_an_auditor_may_not_import_a_return_file(town):
    run = exported(town)
    with pytest.raises(PermissionDenied):
        payments.return_import(actor=town.auditor, run_id=run.pk, content=b"")


# ---- overpayments -------------------------------------------------------------------------

def test_payments_after_a_death_become_overpayments_with_recovery_status(town):
    exported(town, "2026-04")
    may = exported(town, "2026-05")  # the death was not yet registered
    town.wang.status, town.wang.status_date = "deceased", dt.date(2026, 4, 10)
    town.wang.save()
    june = services.run_create(actor=town.district_officer, program="test-age-allowance",
                               period="2026-06", district_code="330105", today=TODAY)
    services.run_compute(actor=town.district_officer, run_id=june.pk)
    services.run_compute(actor=town.district_officer, run_id=june.pk)  # found once only
    line = Overpayment.objects.get()
    assert (line.elder_id, line.source_run_id, line.amount_fen, line.reason, line.status) == (
        town.wang.pk, may.pk, 10000, "deceased", "open")
    assert AuditLog.objects.filter(action="overpayment.create").count() == 1
    update = payments.overpayment_update
    with pytest.raises(ServiceError):
        update(actor=town.city_admin, overpayment_id=line.pk, status="recovered",
               recovered_fen=5000)
    update(actor=town.city_admin, overpayment_id=line.pk, status="recovering", recovered_fen=5000)
    line = update(actor=town.city_admin, overpayment_id=line.pk, status="recovered",
                  recovered_fen=10000)
    assert (line.status, line.recovered_fen) == ("recovered", 10000)
    with pytest.raises(ServiceError):  # closed
        update(actor=town.city_admin, overpayment_id=line.pk, status="written_off",
               recovered_fen=0, note="x")
    assert AuditLog.objects.filter(action="overpayment.update").count() == 2


def test_writing_off_an_overpayment_needs_a_note(town):
    exported(town, "2026-04")
    town.zhang.status, town.zhang.status_date = "moved_out", dt.date(2026, 3, 1)
    town.zhang.save()
    run = services.run_create(actor=town.district_officer, program="test-age-allowance",
                              period="2026-05", district_code="330105", today=TODAY)
    services.run_compute(actor=town.district_officer, run_id=run.pk)
    line = Overpayment.objects.get()
    assert (line.reason, line.amount_fen) == ("hukou_moved", 20000)
    with pytest.raises(ServiceError):
        payments.overpayment_update(actor=town.city_admin, overpayment_id=line.pk,
                                    status="written_off", recovered_fen=0)
    with pytest.raises(PermissionDenied):
        payments.overpayment_update(actor=town.worker_a1, overpayment_id=line.pk,
                                    status="written_off", recovered_fen=0, note="无法追回")


def test_a_failed_line_of_an_elder_who_died_since_is_not_carried(town):
    run = exported(town)
    payments.return_import(actor=town.city_admin, run_id=run.pk, content=return_file(
        [line_no(run, town.zhang), ZHANG_CARD, "200.00", "paid", ""],
        [line_no(run, town.wang), WANG_BOOK, "100.00", "failed", "账户冻结"]))
    town.wang.status, town.wang.status_date = "deceased", dt.date(2026, 4, 20)
    town.wang.save()
    may = exported(town, "2026-05")
    assert not Payment.objects.filter(run=may, elder=town.wang).exists()
    assert Payment.objects.get(run=run, elder=town.wang).status == "failed"  # left for a person
