"""Checks against fraud and error: each rule fires on a named elder and not on a clean one."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.benefits.checks import rules
from anlao.benefits.checks import services as checks
from anlao.benefits.models import CheckFinding
from anlao.benefits.payments import bankfiles
from anlao.benefits.payments import services as payments
from anlao.benefits.runs import services
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from anlao.people.models import Elder, Household
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


def card(body: str) -> str:
    return next(body + d for d in "0123456789" if bankfiles.luhn_ok(body + d))


@pytest.fixture
def town(world, settings, tmp_path):
    """Three paid elders of Gongshu: 张桂兰 (90), 王德福 (86), 李明 (81)."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.wang = make_elder(world.community_a2, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    world.li = make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=3)
    return world


def computed(world, program="test-age-allowance", period="2026-03"):
    run = services.run_create(actor=world.district_officer, program=program, period=period,
                              district_code="330105", today=TODAY)
    return services.run_compute(actor=world.district_officer, run_id=run.pk)


def flagged(run, rule):
    return set(CheckFinding.objects.filter(run=run, rule=rule).values_list(
        "elder__name", flat=True))


def test_a_clean_run_has_no_findings_and_records_zero_counts(town):
    run = computed(town)
    assert not CheckFinding.objects.filter(run=run).exists()
    assert run.summary["checks"] == {code: 0 for code in rules.RULES}
    assert AuditLog.objects.filter(action="benefit_check.run", entity_id=str(run.pk)).exists()


def test_an_elder_recorded_deceased_after_computing_is_flagged(town):
    run = computed(town)
    Elder.objects.filter(pk=town.wang.pk).update(status="deceased",
                                                 status_date=dt.date(2026, 2, 10))
    # Died in the paid month itself: the policy pays that month (stop: month_after).
    Elder.objects.filter(pk=town.li.pk).update(status="deceased", status_date=dt.date(2026, 3, 2))
    checks.run_checks(actor=town.district_officer, run=run)
    assert flagged(run, "deceased_or_moved") == {"王德福"}
    detail = CheckFinding.objects.get(run=run, rule="deceased_or_moved").detail
    assert detail == {"status": "deceased", "status_date": "2026-02-10", "amount_fen": 10000}


def test_a_moved_out_elder_without_a_date_is_flagged(town):
    run = computed(town)
    Elder.objects.filter(pk=town.zhang.pk).update(status="moved_out", status_date=None)
    checks.run_checks(actor=town.district_officer, run=run)
    assert flagged(run, "deceased_or_moved") == {"张桂兰"}


def test_the_same_id_number_in_its_old_15_digit_form_is_flagged(town):
    old = town.zhang.id_number[:6] + town.zhang.id_number[8:17]
    Elder.objects.create(name="张桂兰", id_number=old, birth_date=town.zhang.birth_date, sex="F",
                         residence_area=town.community_b1, hukou_area=town.community_b1)
    run = computed(town)
    assert flagged(run, "id_in_two_districts") == {"张桂兰"}  # both records are paid
    assert "王德福" not in flagged(run, "id_in_two_districts")
    detail = CheckFinding.objects.filter(run=run, rule="id_in_two_districts",
                                         elder=town.zhang).get().detail
    assert detail["others"][0]["community_code"] == town.community_b1.code
    assert detail["others"][0]["other_district"] is False


def test_one_account_paying_three_unrelated_elders_is_flagged(town):
    shared = card("622202100000000001")
    for elder in (town.zhang, town.wang, town.li):
        payments.account_set(actor=town.city_admin, elder_id=elder.pk, bank="ICBC",
                             account_number=shared, holder="张三")
    clean = make_elder(town.community_a1, name="赵大爷", birth=dt.date(1935, 2, 2), seq=9)
    payments.account_set(actor=town.city_admin, elder_id=clean.pk, bank="ICBC",
                         account_number=card("622202100000000002"), holder="赵大爷")
    run = computed(town)
    assert flagged(run, "shared_account") == {"张桂兰", "王德福", "李明"}
    detail = CheckFinding.objects.filter(run=run, rule="shared_account").first().detail
    assert detail["households"] == 3 and detail["account"].endswith(shared[-4:])
    assert shared not in str(detail)  # never the full number


def test_elders_of_one_household_sharing_a_card_count_once(town):
    home = Household.objects.create(address="上塘1幢", area=town.community_a1)
    Elder.objects.filter(pk__in=[town.wang.pk, town.li.pk]).update(household=home)
    shared = card("622202100000000001")
    for elder in (town.zhang, town.wang, town.li):
        payments.account_set(actor=town.city_admin, elder_id=elder.pk, bank="ICBC",
                             account_number=shared, holder="张三")
    run = computed(town)
    assert flagged(run, "shared_account") == set()  # two households only


def test_an_implausible_age_or_a_birth_date_unlike_the_id_is_flagged(town):
    make_elder(town.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    Elder.objects.filter(pk=town.li.pk).update(birth_date=dt.date(1944, 9, 8))
    run = computed(town)
    found = {f.elder.name: f.detail["problem"] for f in
             CheckFinding.objects.filter(run=run, rule="implausible_age").select_related("elder")}
    assert found == {"钱老太": "too_old", "李明": "id_mismatch"}


def test_the_age_thresholds_are_settings(town, settings):
    settings.BENEFITS_CHECK_AGE_MIN = 85
    run = computed(town)
    assert flagged(run, "implausible_age") == {"李明"}  # 81 < 85; 王德福 is 86


def test_an_elder_also_paid_by_an_exclusive_program_is_flagged(town):
    Elder.objects.filter(pk=town.wang.pk).update(ability_level=2, living_situation="no_family")
    care_b = computed(town, program="test-care-b")
    # The registry changes after care B was computed: 王德福 is now on dibao, not disabled.
    Elder.objects.filter(pk=town.wang.pk).update(ability_level=None, dibao=True)
    Elder.objects.filter(pk=town.zhang.pk).update(dibao=True)
    care_a = computed(town, program="test-care-a")
    assert flagged(care_a, "exclusive_programs") == {"王德福"}  # 张桂兰 only in care A
    detail = CheckFinding.objects.get(run=care_a, rule="exclusive_programs").detail
    assert detail["others"] == [{"run_id": care_b.pk, "program": "test-care-b",
                                 "amount_fen": 40000}]


def test_recomputing_replaces_findings_and_keeps_a_reviewers_decision(town):
    make_elder(town.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    Elder.objects.filter(pk=town.li.pk).update(birth_date=dt.date(1944, 9, 8))
    run = computed(town)
    qian = CheckFinding.objects.get(run=run, elder__name="钱老太")
    checks.finding_review(actor=town.city_admin, finding_id=qian.pk,
                                 status="dismissed", note="户籍核实，出生于1910年")
    Elder.objects.filter(pk=town.li.pk).update(birth_date=dt.date(1944, 8, 8))  # corrected
    run = services.run_compute(actor=town.district_officer, run_id=run.pk)
    rows = list(CheckFinding.objects.filter(run=run).values_list("elder__name", "status", "note"))
    assert rows == [("钱老太", "dismissed", "户籍核实，出生于1910年")]
    assert run.summary["checks"]["implausible_age"] == 1


def test_reviewing_needs_a_note_and_a_known_status_and_is_audited(town):
    make_elder(town.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    run = computed(town)
    f = CheckFinding.objects.get(run=run)
    with pytest.raises(ValidationFailed) as err:
        checks.finding_review(actor=town.city_admin, finding_id=f.pk, status="gone",
                                     note="")
    assert set(err.value.errors) == {"status", "note"}
    assert CheckFinding.objects.get(pk=f.pk).status == "open"
    checks.finding_review(actor=town.city_admin, finding_id=f.pk, status="confirmed",
                                 note="已核实")
    f.refresh_from_db()
    assert (f.status, f.reviewed_by) == ("confirmed", town.city_admin)
    log = AuditLog.objects.get(action="benefit_check.review", entity_id=str(f.pk))
    assert log.after["status"] == "confirmed"


@pytest.mark.parametrize("persona", ["auditor", "street_officer_a", "worker_a1"])
def test_only_officers_may_review_a_finding(town, persona):
    make_elder(town.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    f = CheckFinding.objects.get(run=computed(town))
    with pytest.raises((PermissionDenied, NotFound)):
        checks.finding_review(actor=getattr(town, persona), finding_id=f.pk,
                                     status="dismissed", note="x")
    assert CheckFinding.objects.get(pk=f.pk).status == "open"


@pytest.mark.parametrize("birth, flagged_as", [
    (dt.date(1916, 3, 1), None),  # 110 on 2026-03-01: the maximum itself is plausible
    (dt.date(1916, 2, 28), None),
    (dt.date(1915, 3, 1), "too_old"),  # 111 on the day
    (dt.date(1966, 3, 1), None),  # 60 on the day
    (dt.date(1966, 3, 2), "too_young"),  # 59 until tomorrow
])
def test_the_age_limits_are_exact_on_the_first_of_the_period(town, birth, flagged_as):
    make_elder(town.community_a1, name="赵奶奶", birth=birth, seq=8, dibao=True)
    run = computed(town, program="test-care-a")
    found = {f.elder.name: f.detail["problem"] for f in CheckFinding.objects.filter(
        run=run, rule="implausible_age").select_related("elder")}
    assert found == ({"赵奶奶": flagged_as} if flagged_as else {})


def test_a_birth_date_that_differs_from_the_id_number_is_flagged(town):
    Elder.objects.filter(pk=town.li.pk).update(birth_date=dt.date(1944, 8, 9))
    run = computed(town)
    detail = CheckFinding.objects.get(run=run, rule="implausible_age").detail
    assert (detail["problem"], detail["birth_date"]) == ("id_mismatch", "1944-08-09")


def test_the_compute_path_and_a_later_recheck_find_the_same(town):
    """During a compute the rules read the run's frame; a re-check queries the database."""
    for n, (birth, extra) in enumerate([(dt.date(1910, 5, 5), {}), (dt.date(1916, 3, 1), {}),
                                        (dt.date(1970, 1, 1), {"dibao": True}),
                                        (dt.date(1939, 12, 31), {"dibao": True})], start=30):
        make_elder(town.community_a2, name=f"老人{n}", birth=birth, seq=n, **extra)
    Elder.objects.filter(pk=town.li.pk).update(birth_date=dt.date(1944, 9, 8), dibao=True)
    Elder.objects.filter(name="老人33").update(status="deceased", status_date=dt.date(2026, 3, 9))
    for program in ("test-age-allowance", "test-care-a"):
        run = computed(town, program=program)
        during = sorted(CheckFinding.objects.filter(run=run).values_list("rule", "elder_id",
                                                                          "detail"))
        checks.run_checks(actor=town.district_officer, run=run)
        after = sorted(CheckFinding.objects.filter(run=run).values_list("rule", "elder_id",
                                                                         "detail"))
        assert during == after and len(during) >= 2


def test_a_reviewed_finding_is_final_and_the_checks_are_registered_on_the_kernel(town):
    from anlao.core import rules as kernel
    from anlao.core.rules import IllegalTransition

    make_elder(town.community_a1, name="钱老太", birth=dt.date(1910, 5, 5), seq=7)
    f = CheckFinding.objects.get(run=computed(town))
    checks.finding_review(actor=town.city_admin, finding_id=f.pk, status="confirmed",
                          note="已核实")
    with pytest.raises(IllegalTransition, match="already reviewed"):
        checks.finding_review(actor=town.city_admin, finding_id=f.pk, status="dismissed",
                              note="改主意")
    assert CheckFinding.objects.get(pk=f.pk).status == "confirmed"
    assert "implausible_age" in kernel.ruleset("benefits.checks").codes()
