"""Follow-up (回访): deterministic sample, recording a call, ratings per provider and caregiver."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.homecare.models import FollowUp, Review, VisitState
from anlao.homecare.visits import selectors, services
from tests.visits_fixtures import at, build_day, make_profile, make_visit

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def month(world):
    """20 verified visits in November, 2 pending, 1 verified in October."""
    d = build_day(world)
    second = make_profile(world, world.provider, None, name="周护理")
    done = dict(state=VisitState.DONE, review=Review.VERIFIED, check_in_at=at(9),
                check_out_at=at(10))
    vs = [make_visit(world, d.contract, d.elder, d.profile if i % 2 else second,
                     day=dt.date(2026, 11, 1 + i), **done) for i in range(20)]
    for i in range(2):
        make_visit(world, d.contract, d.elder, d.profile, day=dt.date(2026, 11, 25 + i),
                   state=VisitState.DONE, review=Review.PENDING)
    make_visit(world, d.contract, d.elder, d.profile, day=dt.date(2026, 10, 5), **done)
    return d, vs, second


def sampled():
    return set(FollowUp.objects.values_list("visit_id", flat=True))


def test_the_sample_is_the_share_of_verified_visits_of_the_month(month):
    _d, vs, _p = month
    assert services.followups_sample(period=NOV, share=0.25, seed=7) == 5
    assert sampled() <= {v.pk for v in vs}


def test_the_same_seed_draws_the_same_visits_and_redrawing_adds_nothing(month):
    services.followups_sample(period=NOV, share=0.25, seed=7)
    first = sampled()
    assert services.followups_sample(period=NOV, share=0.25, seed=7) == 0
    FollowUp.objects.all().delete()
    services.followups_sample(period=NOV, share=0.25, seed=8)
    assert sampled() != first  # another seed, another sample (20 choose 5: not by chance)
    FollowUp.objects.all().delete()
    services.followups_sample(period=NOV, share=0.25, seed=7)
    assert sampled() == first


def test_a_share_outside_0_1_is_refused(month):
    with pytest.raises(ServiceError, match="between 0 and 1"):
        services.followups_sample(period=NOV, share=1.5, seed=1)
    assert not FollowUp.objects.exists()


def test_a_hotline_operator_records_a_call(month, world):
    services.followups_sample(period=NOV, share=0.1, seed=1)
    fu = selectors.followups_for(actor=world.hotline_a).first()
    fu = services.followup_record(actor=world.hotline_a, followup_id=fu.pk, outcome="done",
                                   rating=4, comment="很满意", now=at(15))
    assert (fu.rating, fu.comment, fu.recorded_by) == (4, "很满意", world.hotline_a)
    assert fu not in selectors.followups_for(actor=world.hotline_a)
    with pytest.raises(ServiceError, match="already recorded"):
        services.followup_record(actor=world.hotline_a, followup_id=fu.pk, outcome="done",
                                  rating=5)


@pytest.mark.parametrize("rating", [None, 0, 6, "x"])
def test_a_rating_must_be_1_to_5(month, world, rating):
    services.followups_sample(period=NOV, share=0.1, seed=1)
    fu = FollowUp.objects.first()
    with pytest.raises(ValidationFailed, match="1 to 5"):
        services.followup_record(actor=world.hotline_a, followup_id=fu.pk, outcome="done",
                                  rating=rating)
    assert FollowUp.objects.get(pk=fu.pk).recorded_at is None


def test_no_answer_keeps_it_on_the_worklist(month, world):
    services.followups_sample(period=NOV, share=0.1, seed=1)
    fu = FollowUp.objects.first()
    services.followup_record(actor=world.hotline_a, followup_id=fu.pk, outcome="no_answer")
    assert selectors.followups_for(actor=world.hotline_a).filter(pk=fu.pk).exists()


def test_a_caregiver_cannot_record_and_other_streets_do_not_see(month, world):
    services.followups_sample(period=NOV, share=0.1, seed=1)
    fu = FollowUp.objects.first()
    with pytest.raises(PermissionDenied):
        services.followup_record(actor=world.caregiver, followup_id=fu.pk, outcome="done",
                                  rating=5)
    with pytest.raises(NotFound):
        services.followup_record(actor=world.worker_b1, followup_id=fu.pk, outcome="done",
                                  rating=5)


def test_ratings_roll_up_per_provider_and_caregiver(month, world):
    _d, vs, _second = month
    for v, rating in zip(vs[:4], [5, 3, 4, 4], strict=True):  # caregivers alternate
        fu = FollowUp.objects.create(visit=v)
        services.followup_record(actor=world.street_officer_a, followup_id=fu.pk,
                                  outcome="done", rating=rating)
    by_provider = selectors.ratings_rollup(actor=world.district_officer, period=NOV)
    assert [(r["name"], r["avg"], r["n"]) for r in by_provider] == [(world.provider.name, 4.0,
                                                                      4)]
    by_caregiver = selectors.ratings_rollup(actor=world.district_officer, period=NOV,
                                            by="caregiver")
    assert {(r["name"], r["avg"], r["n"]) for r in by_caregiver} == {
        ("周护理", 4.5, 2), ("李护理", 3.5, 2)}
    assert selectors.ratings_rollup(actor=world.other_provider_manager) == []
