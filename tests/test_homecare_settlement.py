"""Settlement service: totals, exclusions, re-run idempotence, freezing, four-eyes, scope."""

from __future__ import annotations

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from anlao.homecare.models import Anomaly, Review, SettlementLine
from anlao.homecare.settlement.selectors import settlement_get, settlements_for
from anlao.homecare.settlement.services import (
    settlement_approve,
    settlement_compute,
    settlement_export,
)
from tests.settlement_fixtures import NOW, OCTOBER, october

pytestmark = pytest.mark.django_db


def _compute(world, actor=None, provider=None):
    return settlement_compute(actor=actor or world.district_officer,
                              provider=provider or world.provider, period=OCTOBER, now=NOW)


def test_totals_reconcile_with_the_lines(world):
    october(world)
    s = _compute(world)
    assert (s.visits, s.gross_fen, s.copay_fen, s.excluded_fen, s.payable_fen) == (
        7, 42300, 6000, 15000, 21300)
    assert s.gross_fen - s.copay_fen - s.excluded_fen == s.payable_fen
    lines = list(s.lines.all())
    assert sum(ln.payable_fen for ln in lines) == s.payable_fen
    assert sum(ln.price_fen for ln in lines) == s.gross_fen


def test_it_excludes_rejected_and_open_anomalies_and_unverified_visits(world):
    f = october(world)
    s = _compute(world)
    reasons = {ln.visit_id: ln.excluded_reason for ln in s.lines.all()}
    assert reasons[f["rejected"].pk] == "anomaly_rejected"
    assert reasons[f["open"].pk] == "anomaly_open"
    assert reasons[f["unverified"].pk] == "unverified"
    assert reasons[f["accepted"].pk] == ""
    assert f["cancelled"].pk not in reasons
    assert f["other"].pk not in reasons
    excluded = s.lines.exclude(excluded_reason="")
    assert all(ln.payable_fen == 0 for ln in excluded)


def test_a_rejected_anomaly_excludes_even_a_verified_visit(world):
    f = october(world)
    Anomaly.objects.create(visit=f["paid"][0], rule="overlap", state="rejected")
    s = _compute(world)
    assert s.lines.get(visit=f["paid"][0]).excluded_reason == "anomaly_rejected"


def test_re_running_gives_the_same_digest_and_line_count(world):
    october(world)
    first = _compute(world)
    digest, count = first.digest, first.lines.count()
    again = _compute(world, actor=world.city_admin)
    assert again.pk == first.pk
    assert again.digest == digest
    assert SettlementLine.objects.filter(settlement=again).count() == count == 7


def test_re_running_picks_up_a_review(world):
    f = october(world)
    before = _compute(world)
    Anomaly.objects.filter(visit=f["open"]).update(state="accepted")
    f["open"].review = Review.VERIFIED
    f["open"].save(update_fields=["review"])
    after = _compute(world)
    assert after.payable_fen == before.payable_fen + 5000
    assert after.digest != before.digest


def test_self_approval_is_refused(world):
    october(world)
    s = _compute(world)
    with pytest.raises(PermissionDenied):
        settlement_approve(actor=world.district_officer, settlement_id=s.pk, now=NOW)
    s.refresh_from_db()
    assert s.state == "computed"


def test_a_second_officer_approves_and_then_it_is_frozen(world):
    october(world)
    s = _compute(world)
    s = settlement_approve(actor=world.city_admin, settlement_id=s.pk, now=NOW)
    assert s.state == "approved" and s.approved_by == world.city_admin
    with pytest.raises(ValidationFailed, match="no longer be re-computed"):
        _compute(world)
    s = settlement_export(actor=world.city_admin, settlement_id=s.pk, now=NOW)
    assert s.state == "exported"
    with pytest.raises(ValidationFailed):
        _compute(world)
    actions = set(AuditLog.objects.filter(entity="homecare.settlement")
                  .values_list("action", flat=True))
    assert actions == {"settlement.compute", "settlement.approve", "settlement.export"}


def test_approval_is_refused_when_the_visits_changed_since_computing(world):
    f = october(world)
    s = _compute(world)
    Anomaly.objects.filter(visit=f["open"]).update(state="rejected")
    with pytest.raises(ValidationFailed, match="Re-compute"):
        settlement_approve(actor=world.city_admin, settlement_id=s.pk, now=NOW)


def test_export_needs_approval(world):
    october(world)
    s = _compute(world)
    with pytest.raises(ValidationFailed):
        settlement_export(actor=world.city_admin, settlement_id=s.pk, now=NOW)


def test_it_refuses_a_month_that_has_not_ended(world):
    october(world)
    with pytest.raises(ValidationFailed):
        settlement_compute(actor=world.district_officer, provider=world.provider,
                           period="2026-11", now=NOW)


def test_it_refuses_a_garbled_month(world):
    with pytest.raises(ValidationFailed):
        settlement_compute(actor=world.district_officer, provider=world.provider,
                           period="October", now=NOW)


@pytest.mark.parametrize("who", ["provider_manager", "street_officer_a", "worker_a1", "auditor"])
def test_only_officers_compute(world, who):
    october(world)
    with pytest.raises(PermissionDenied):
        _compute(world, actor=getattr(world, who))


def test_a_provider_manager_sees_only_its_own_settlements(world):
    october(world)
    mine = _compute(world)
    theirs = _compute(world, provider=world.other_provider)
    assert list(settlements_for(actor=world.provider_manager)) == [mine]
    assert settlement_get(actor=world.provider_manager, pk=mine.pk) == mine
    with pytest.raises(NotFound):
        settlement_get(actor=world.provider_manager, pk=theirs.pk)
    with pytest.raises(PermissionDenied):
        settlement_approve(actor=world.provider_manager, settlement_id=mine.pk, now=NOW)


def test_caregivers_and_people_without_scope_see_none(world):
    october(world)
    _compute(world)
    assert not settlements_for(actor=world.caregiver).exists()
    assert not settlements_for(actor=world.nobody).exists()
    assert settlements_for(actor=world.auditor).count() == 1
