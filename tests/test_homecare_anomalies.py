"""Each anomaly rule (positive and negative), the review transitions and the bulk detector."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from anlao.homecare.models import Anomaly, AnomalyState, Channel, Review, Visit
from anlao.homecare.visits import anomalies
from anlao.homecare.visits import services as visits
from anlao.homecare.visits.anomalies import AnomalyFilters, anomalies_for, anomaly_review
from anlao.people.models import ElderStatus
from tests.visits_fixtures import HOME, NOW, at, build_day, make_visit, north


@pytest.fixture
def day(world):
    return build_day(world)


def run(day, *, minutes=55, pos_in=HOME, visit=None, start=NOW):
    v = visit or day.visit
    actor = day.world.caregiver
    visits.visit_check_in(actor=actor, visit=v.pk, lat=pos_in[0], lng=pos_in[1], now=start)
    return visits.visit_check_out(actor=actor, visit=v.pk, lat=HOME[0], lng=HOME[1],
                                  now=start + dt.timedelta(minutes=minutes))


def rules_of(v):
    return set(Visit.objects.get(pk=v.pk).anomalies.values_list("rule", flat=True))


def test_a_clean_visit_raises_nothing(day):
    assert rules_of(run(day)) == set()


def test_outside_geofence(day, settings):
    v = run(day, pos_in=north(settings.HOMECARE["GEOFENCE_M"] + 100))
    assert rules_of(v) == {"outside_geofence"}
    assert Anomaly.objects.get(visit=v).detail.endswith(f"> {settings.HOMECARE['GEOFENCE_M']} m")


def test_inside_the_geofence_is_fine(day, settings):
    assert rules_of(run(day, pos_in=north(settings.HOMECARE["GEOFENCE_M"] - 20))) == set()


def test_a_home_without_coordinates_cannot_be_verified_by_position(day):
    type(day.elder).objects.filter(pk=day.elder.pk).update(lat=None, lng=None)
    v = run(day)
    assert Anomaly.objects.get(visit=v).detail == "no home position"


def test_too_short(day, settings):
    share = settings.HOMECARE["SHORT_VISIT_SHARE"]
    assert rules_of(run(day, minutes=int(60 * share) - 1)) == {"too_short"}


def test_just_long_enough_is_not_too_short(day, settings):
    share = settings.HOMECARE["SHORT_VISIT_SHARE"]
    assert rules_of(run(day, minutes=int(60 * share) + 1)) == set()


def test_overlap_with_the_same_caregivers_other_visit(day, world):
    other = make_visit(world, day.contract, day.elder, day.profile, start=10, sequence=2)
    run(day, minutes=55)  # 09:00–09:55
    v = run(day, visit=other, start=at(9, 30), minutes=50)
    assert rules_of(v) == {"overlap"}
    assert Anomaly.objects.get(visit=v).detail == f"#{day.visit.pk}"


def test_back_to_back_visits_do_not_overlap(day, world):
    other = make_visit(world, day.contract, day.elder, day.profile, start=10, sequence=2)
    run(day, minutes=55)
    assert rules_of(run(day, visit=other, start=at(9, 55), minutes=50)) == set()


@pytest.mark.parametrize("status", [ElderStatus.DECEASED, ElderStatus.MOVED_OUT])
def test_elder_unavailable(day, status):
    type(day.elder).objects.filter(pk=day.elder.pk).update(status=status,
                                                           status_date=dt.date(2026, 11, 1))
    assert rules_of(run(day)) == {"elder_unavailable"}


def test_an_elder_who_dies_after_the_visit_is_not_an_anomaly(day):
    type(day.elder).objects.filter(pk=day.elder.pk).update(status=ElderStatus.DECEASED,
                                                           status_date=dt.date(2026, 11, 30))
    assert rules_of(run(day)) == set()


def test_no_order_for_an_unplanned_visit(day, world):
    v = make_visit(world, day.contract, day.elder, day.profile, start=14,
                   channel=Channel.CAREGIVER)
    assert rules_of(run(day, visit=v, start=at(14))) == {"no_order"}


def test_missing_check_out_is_found_by_the_sweep_after_the_day(day):
    visits.visit_check_in(actor=day.world.caregiver, visit=day.visit.pk, lat=HOME[0],
                          lng=HOME[1], now=NOW)
    assert anomalies.anomalies_sweep(now=at(23, 59)) == 0  # the day is not over
    assert anomalies.anomalies_sweep(now=NOW + dt.timedelta(days=1)) == 1
    assert rules_of(day.visit) == {"missing_check_out"}
    assert anomalies.anomalies_sweep(now=NOW + dt.timedelta(days=2)) == 0  # once per visit


def test_a_checked_out_visit_is_never_missing_a_check_out(day):
    run(day)
    assert anomalies.anomalies_sweep(now=NOW + dt.timedelta(days=1)) == 0


# --- review ---------------------------------------------------------------------------------

def flagged(day):
    return run(day, minutes=5)  # too short → pending


def test_an_open_anomaly_keeps_the_visit_pending_until_accepted(day, world):
    v = flagged(day)
    assert v.review == Review.PENDING
    a = v.anomalies.get()
    anomaly_review(actor=world.street_officer_a, anomaly_id=a.pk, accept=True, note="")
    assert Visit.objects.get(pk=v.pk).review == Review.VERIFIED
    assert AuditLog.objects.filter(action="anomaly.review", entity_id=str(a.pk)).exists()


def test_rejecting_an_anomaly_rejects_the_visit(day, world):
    v = flagged(day)
    a = v.anomalies.get()
    anomaly_review(actor=world.street_officer_a, anomaly_id=a.pk, accept=False,
                   note="家属称未上门")
    a.refresh_from_db()
    assert a.state == AnomalyState.REJECTED and a.reviewed_by == world.street_officer_a
    assert Visit.objects.get(pk=v.pk).review == Review.REJECTED


def test_a_rejection_needs_a_reason(day, world):
    a = flagged(day).anomalies.get()
    with pytest.raises(ServiceError, match="why"):
        anomaly_review(actor=world.street_officer_a, anomaly_id=a.pk, accept=False, note="")
    assert Anomaly.objects.get(pk=a.pk).state == AnomalyState.OPEN


def test_an_anomaly_is_reviewed_once(day, world):
    a = flagged(day).anomalies.get()
    anomaly_review(actor=world.street_officer_a, anomaly_id=a.pk, accept=True)
    with pytest.raises(ServiceError, match="already reviewed"):
        anomaly_review(actor=world.district_officer, anomaly_id=a.pk, accept=False, note="no")
    assert Visit.objects.get(pk=a.visit_id).review == Review.VERIFIED


def test_a_visit_stays_pending_while_another_anomaly_is_open(day, world):
    v = run(day, minutes=5, pos_in=north(900))
    first = v.anomalies.order_by("rule").first()
    anomaly_review(actor=world.street_officer_a, anomaly_id=first.pk, accept=True)
    assert Visit.objects.get(pk=v.pk).review == Review.PENDING


def test_a_worker_cannot_review(day, world):
    a = flagged(day).anomalies.get()
    with pytest.raises(PermissionDenied):
        anomaly_review(actor=world.worker_a1, anomaly_id=a.pk, accept=True)


def test_an_officer_of_another_street_cannot_see_or_review(day, world):
    a = flagged(day).anomalies.get()
    assert not anomalies_for(world.street_officer_b).exists()
    with pytest.raises(NotFound):
        anomaly_review(actor=world.street_officer_b, anomaly_id=a.pk, accept=True)


def test_anomalies_filter_by_rule_provider_and_street(day, world):
    flagged(day)
    officer = world.district_officer
    assert anomalies_for(officer, AnomalyFilters(rule="too_short")).count() == 1
    assert anomalies_for(officer, AnomalyFilters(rule="overlap")).count() == 0
    assert anomalies_for(officer, AnomalyFilters(provider=world.other_provider.pk)).count() == 0
    assert anomalies_for(officer, AnomalyFilters(street=world.street_a.code)).count() == 1
    assert anomalies_for(officer, AnomalyFilters(street=world.street_b.code)).count() == 0
    assert anomalies_for(world.other_provider_manager).count() == 0


def test_verification_books_the_credit_and_rejection_refunds(day, world, monkeypatch):
    calls = []

    def hook(name):
        return lambda *, visit, **kw: calls.append((name, visit.pk))

    monkeypatch.setattr(anomalies, "_credit_hook", hook)
    v = run(day)
    assert calls == [("credit_spend_for_visit", v.pk)]
    calls.clear()
    other = make_visit(world, day.contract, day.elder, day.profile, start=14, sequence=2)
    w = run(day, visit=other, start=at(14), minutes=5)
    anomaly_review(actor=world.street_officer_a, anomaly_id=w.anomalies.get().pk,
                   accept=False, note="太短")
    assert calls == [("credit_refund_for_visit", w.pk)]


# --- bulk -----------------------------------------------------------------------------------

def test_detect_for_visits_finds_each_rule_in_few_queries(day, world,
                                                          django_assert_max_num_queries):
    from django.db.models import F

    short = make_visit(world, day.contract, day.elder, day.profile, start=13, sequence=2,
                       check_in_at=at(13), check_out_at=at(13, 5), check_in_lat=HOME[0],
                       check_in_lng=HOME[1], check_in_distance_m=3)
    far = make_visit(world, day.contract, day.elder, day.profile, start=15, sequence=3,
                     check_in_at=at(15), check_out_at=at(16), check_in_lat=HOME[0],
                     check_in_lng=HOME[1], check_in_distance_m=5000)
    Visit.objects.filter(pk__in=[short.pk, far.pk]).update(review=Review.VERIFIED,
                                                           updated_at=F("created_at"))
    # visits, the caregivers' other visits, the elders' absences, insert, review update
    with django_assert_max_num_queries(5):
        found = anomalies.detect_for_visits(Visit.objects.all(), now=NOW)
    assert {(a.visit_id, a.rule) for a in found} == {(short.pk, "too_short"),
                                                      (far.pk, "outside_geofence")}
    assert set(Visit.objects.filter(pk__in=[short.pk, far.pk])
               .values_list("review", flat=True)) == {Review.PENDING}
    anomalies.detect_for_visits(Visit.objects.all(), now=NOW)  # re-run: no duplicates
    assert Anomaly.objects.count() == 2


def test_the_real_credit_ledger_is_charged_once_on_verification(day, world):
    from anlao.credit.models import CreditEntry, CreditKind
    from anlao.homecare.models import VISIT_CREDIT_SOURCE

    CreditEntry.objects.create(elder=day.elder, period=dt.date(2026, 11, 1), kind=CreditKind.GRANT,
                               amount=5000)
    v = run(day)
    spend = CreditEntry.objects.get(source=VISIT_CREDIT_SOURCE, source_id=v.pk,
                                    kind=CreditKind.SPEND)
    assert spend.amount == -5000  # price 8000: 5000 from credit, the rest co-pay
    v.order.refresh_from_db()
    assert (v.order.credit_fen, v.order.copay_fen) == (5000, 3000)


def test_a_visit_left_open_does_not_overlap_the_caregivers_later_visits(day, world):
    later = make_visit(world, day.contract, day.elder, day.profile, start=14, sequence=2)
    visits.visit_check_in(actor=day.world.caregiver, visit=day.visit.pk, lat=HOME[0],
                          lng=HOME[1], now=NOW)  # 09:00, never checked out
    assert rules_of(run(day, visit=later, start=at(14), minutes=50)) == set()


def test_a_visit_started_within_an_open_visits_planned_time_overlaps(day, world):
    later = make_visit(world, day.contract, day.elder, day.profile, start=10, sequence=2)
    visits.visit_check_in(actor=day.world.caregiver, visit=day.visit.pk, lat=HOME[0],
                          lng=HOME[1], now=NOW)  # 09:00 for 60 planned minutes
    assert rules_of(run(day, visit=later, start=at(9, 30), minutes=50)) == {"overlap"}


def test_accepting_a_missing_check_out_makes_the_visit_done_and_verified(day):
    visits.visit_check_in(actor=day.world.caregiver, visit=day.visit.pk, lat=HOME[0],
                          lng=HOME[1], now=NOW)
    anomalies.anomalies_sweep(now=NOW + dt.timedelta(days=1))
    a = Anomaly.objects.get(visit=day.visit, rule="missing_check_out")
    anomaly_review(actor=day.world.street_officer_a, anomaly_id=a.pk, accept=True,
                   note="电话回访确认已服务")
    v = Visit.objects.get(pk=day.visit.pk)
    assert (v.state, v.review, v.check_out_at) == ("done", Review.VERIFIED, None)
