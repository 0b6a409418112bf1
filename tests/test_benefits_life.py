"""Life verification (生存认证): schedule, stop after a missed month, back-pay, worklists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anlao.benefits.checks import selectors as checks_selectors
from anlao.benefits.checks import services as checks_services
from anlao.benefits.engine.evaluation import verification_due
from anlao.benefits.models import BackPay, Entitlement, RunChange, Withheld
from anlao.benefits.policy.programs import LifeSchedule, program_from_text
from anlao.benefits.policy.yamlmarks import PolicyError
from anlao.benefits.runs import services
from anlao.core.errors import PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from tests.benefits_fixtures import LIFE, write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    """张桂兰 verifies every May and November; 王德福 missed May 2026."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    (tmp_path / "test-life.yaml").write_text(LIFE, encoding="utf-8")
    world.zhang = make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1)
    world.wang = make_elder(world.community_a1, name="王德福", birth=dt.date(1940, 1, 1), seq=2)
    verify(world, world.zhang, dt.date(2025, 11, 20))
    verify(world, world.zhang, dt.date(2026, 5, 10))
    verify(world, world.wang, dt.date(2025, 11, 15))
    return world


def verify(world, elder, day, method="in_person", actor=None, **extra):
    return checks_services.verification_record(
        actor=actor or world.worker_a1, elder_id=elder.pk, verified_on=day, method=method,
        **extra)


def run_month(world, period):
    run = services.run_create(actor=world.district_officer, program="test-life", period=period,
                              district_code="330105", today=TODAY)
    run = services.run_compute(actor=world.district_officer, run_id=run.pk)
    services.run_review(actor=world.district_officer, run_id=run.pk)
    return services.run_approve(actor=world.city_admin, run_id=run.pk)


def paid(run):
    return dict(Entitlement.objects.filter(run=run).values_list("elder__name", "amount_fen"))


def test_the_due_month_is_the_last_schedule_month_whose_deadline_passed():
    life = LifeSchedule((5, 11), 0)
    assert verification_due(life, dt.date(2026, 6, 1)) == dt.date(2026, 5, 1)
    assert verification_due(life, dt.date(2026, 5, 1)) == dt.date(2025, 11, 1)
    assert verification_due(life, dt.date(2027, 1, 1)) == dt.date(2026, 11, 1)
    assert verification_due(LifeSchedule((5, 11), 1), dt.date(2026, 6, 1)) == dt.date(
        2025, 11, 1)


def test_a_missed_may_verification_stops_payment_from_june(town):
    assert paid(run_month(town, "2026-05")) == {"张桂兰": 20000, "王德福": 10000}
    june = run_month(town, "2026-06")
    assert paid(june) == {"张桂兰": 20000}
    change = RunChange.objects.get(run=june, elder=town.wang)
    assert (change.kind, change.reason) == ("stopped", "not_verified")
    assert list(Withheld.objects.filter(run=june).values_list("elder_id", "amount_fen")) == [
        (town.wang.pk, 10000)]


def test_a_late_verification_resumes_payment_and_back_pays_the_stopped_months(town):
    run_month(town, "2026-05")
    run_month(town, "2026-06")
    run_month(town, "2026-07")
    verify(town, town.wang, dt.date(2026, 7, 20), method="worker_visit")
    august = run_month(town, "2026-08")
    assert paid(august) == {"张桂兰": 20000, "王德福": 10000}
    lines = sorted(BackPay.objects.filter(run=august).values_list(
        "elder__name", "month", "amount_fen", "reason"))
    assert lines == [("王德福", "2026-06", 10000, "not_verified"),
                     ("王德福", "2026-07", 10000, "not_verified")]
    change = RunChange.objects.get(run=august, elder=town.wang)
    assert (change.kind, change.reason) == ("new", "resumed")
    assert august.summary["backpay"] == {"count": 1, "lines": 2, "total_fen": 20000}
    september = run_month(town, "2026-09")  # back-pay is made once, not again
    assert not BackPay.objects.filter(run=september).exists()


def test_the_explanation_names_the_missing_verification(town):
    why = services_explain(town, "2026-06")
    assert (why.fail, why.reason, why.amount_fen) == ("life_verified", "not_verified", 0)
    checks = {c.code: c.passed for c in why.months[0].checks}
    assert checks["life_verified"] is False and checks["alive"] is True


def services_explain(world, period):
    from anlao.benefits.engine.selectors import explain_elder

    return explain_elder(actor=world.district_officer, program="test-life", period=period,
                         elder_id=world.wang.pk)


def test_a_verification_is_audited_and_refused_when_dated_in_the_future(town):
    row = verify(town, town.wang, dt.date(2026, 5, 3), method="video")
    assert AuditLog.objects.filter(action="life_verification.record",
                                   entity_id=str(row.pk)).exists()
    with pytest.raises(ValidationFailed) as info:
        verify(town, town.wang, dt.date(2100, 1, 1))
    assert "verified_on" in info.value.errors


def test_a_face_recognition_result_needs_a_sufficient_score(town):
    with pytest.raises(ValidationFailed) as info:
        verify(town, town.wang, dt.date(2026, 5, 3), method="face", score=Decimal("0.5"))
    assert "score" in info.value.errors
    row = verify(town, town.wang, dt.date(2026, 5, 3), method="face", score=Decimal("0.93"),
                 reference="FR-1")
    assert row.method == "face"


def test_a_worker_of_another_street_cannot_verify_the_elder(town):
    from anlao.core.errors import NotFound

    with pytest.raises(NotFound):
        verify(town, town.wang, dt.date(2026, 5, 3), actor=town.worker_b1)
    with pytest.raises(PermissionDenied):
        verify(town, town.wang, dt.date(2026, 5, 3), actor=town.caregiver)


def test_the_worklist_shows_who_is_overdue_and_who_is_due(town):
    run_month(town, "2026-05")
    overdue = checks_selectors.worklist(actor=town.worker_a1, program="test-life",
                                  community_code=town.community_a1.code,
                                  today=dt.date(2026, 7, 3))
    assert [(i.elder.name, i.state) for i in overdue["items"]] == [("王德福", "overdue")]
    due = checks_selectors.worklist(actor=town.worker_a1, program="test-life",
                              community_code=town.community_a1.code,
                              today=dt.date(2026, 11, 5))
    assert sorted((i.elder.name, i.state) for i in due["items"]) == [
        ("张桂兰", "due"), ("王德福", "overdue")]
    assert (due["due"], due["deadline"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_the_worklist_of_a_worker_hides_other_communities(town):
    run_month(town, "2026-05")
    other = checks_selectors.worklist(actor=town.worker_b1, program="test-life",
                                community_code=town.community_a1.code,
                                today=dt.date(2026, 7, 3))
    assert other["items"] == []


@pytest.mark.parametrize("section, message", [
    ("{months: [5, 13]}", "expected a list of months"),
    ("{months: [5, 5]}", "a month is listed twice"),
    ("{months: [5, 11], grace_months: 6}", "expected a whole number"),
    ("{months: [5, 6], grace_months: 1}", "the grace must end before the next due month"),
    ("{months: [5], often: true}", "unknown key 'often'"),
])
def test_a_bad_life_verification_section_is_refused_with_file_and_line(section, message):
    text = LIFE.replace("{months: [5, 11], grace_months: 0}", section)
    with pytest.raises(PolicyError) as info:
        program_from_text(text, "policies/test-life.yaml")
    assert message in str(info.value) and "policies/test-life.yaml:4" in str(info.value)
