"""The visit-history demo step on a small population: lived visits, anomalies, settlement,
and idempotence."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from anlao.credit.models import CreditEntry
from anlao.homecare.demo import visits as demo_visits
from anlao.homecare.models import (
    Anomaly,
    CaregiverProfile,
    CarePlan,
    FollowUp,
    Order,
    Settlement,
    Visit,
    VisitState,
)
from anlao.workforce.models import Caregiver
from tests.personas import make_elder, make_id_number
from tests.settlement_fixtures import NOW, make_contract, make_item

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


def _population(world, elders=6):
    item = make_item()
    contract = make_contract(world, world.provider, item)
    for n in range(2):
        cg = Caregiver.objects.create(name=f"护理员{n}", sex="F", area=world.street_a,
                                      id_number=make_id_number(dt.date(1980, 1, 1), seq=50 + n),
                                      birth_date=dt.date(1980, 1, 1))
        CaregiverProfile.objects.create(caregiver=cg, provider=world.provider, skills=["bathing"])
    for n in range(elders):
        e = make_elder(world.community_a1, name=f"老人{n}", seq=10 + n, lat=30.31 + n / 1000,
                       lng=120.15)
        CreditEntry.objects.create(elder=e, period=dt.date(2026, 10, 1), kind="grant",
                                   amount=20000)
        CarePlan.objects.create(elder=e, provider=world.provider, contract=contract, item=item,
                                weekdays=[0, 2, 4], window_start=dt.time(9 + n % 3),
                                window_end=dt.time(11 + n % 3), start=dt.date(2026, 9, 1),
                                channel="community", created_by=world.worker_a1)


def _counts():
    return (Order.objects.count(), Visit.objects.filter(check_in_at__isnull=False).count(),
            Anomaly.objects.count(), FollowUp.objects.count(), CreditEntry.objects.count(),
            Settlement.objects.count())


def _run():
    demo_visits.seed(3, io.StringIO(), today=TODAY, now=NOW)


def test_it_lives_the_past_days_and_settles_last_month(world):
    _population(world)
    _run()
    # Mon/Wed/Fri from 2026-10-01 to 2026-11-23: 23 days × 6 elders
    assert Order.objects.count() == 23 * 6
    past = Visit.objects.filter(date__lt=TODAY)
    assert not past.filter(state__in=[VisitState.UNASSIGNED, VisitState.ASSIGNED]).exists()
    assert not past.filter(caregiver__isnull=True).exists()
    done = past.filter(state=VisitState.DONE)
    assert done.count() > 100 and done.filter(check_out_at__isnull=False).count() == done.count()
    assert done.filter(review="verified").exists()
    s = Settlement.objects.get(provider=world.provider, period=dt.date(2026, 10, 1))
    assert s.state == "approved" and s.computed_by != s.approved_by
    assert s.gross_fen - s.copay_fen - s.excluded_fen == s.payable_fen > 0
    assert CreditEntry.objects.filter(kind="spend", period=dt.date(2026, 10, 1)).exists()
    assert Anomaly.objects.exists() and FollowUp.objects.exists()


def test_one_caregiver_never_has_two_planned_visits_at_once(world):
    _population(world)
    _run()
    by_day = {}
    for v in Visit.objects.filter(caregiver__isnull=False).order_by("planned_start"):
        prev = by_day.get((v.caregiver_id, v.date))
        assert prev is None or prev.planned_end <= v.planned_start
        by_day[(v.caregiver_id, v.date)] = v


def test_running_it_twice_changes_nothing(world):
    _population(world)
    _run()
    first = _counts()
    digest = Settlement.objects.get().digest
    _run()
    assert _counts() == first
    assert Settlement.objects.get().digest == digest
