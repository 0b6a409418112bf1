"""The home-care demo step: contracts, caregivers, credit through a benefit run, plans, orders."""

from __future__ import annotations

import io

from django.db.models import Sum
from django.utils import timezone

from anlao.credit.models import CreditEntry
from anlao.demo.services import demo_seed
from anlao.homecare.demo import base as demo
from anlao.homecare.models import (
    CaregiverProfile,
    CarePlan,
    Contract,
    Order,
    Visit,
)


def test_the_demo_builds_the_home_care_world_once(db, settings):
    settings.BENEFITS_POLICY_DIR = settings.BASE_DIR / "policies"
    today = timezone.localdate()
    demo_seed(elders=3000, seed=5, today=today)
    demo.seed(5, io.StringIO(), today=today)
    assert Contract.objects.filter(state="active").count() == 5
    assert CaregiverProfile.objects.count() == 5 * demo.CAREGIVERS_PER_PROVIDER
    linked = CaregiverProfile.objects.get(user__username="caregiver")
    assert linked.provider.name == "康乐居家养老服务中心" and linked.working_hours
    grants = CreditEntry.objects.filter(kind="grant")
    assert grants.exists() and not grants.filter(run__isnull=True).exists()
    plans = CarePlan.objects.values("elder").distinct().count()
    assert 0 < plans <= round(demo.PURCHASED_ELDERS * 3000 / demo.FULL_DEMO)
    orders = Order.objects.filter(date__gte=today.replace(day=1))
    assert orders.exists() and Visit.objects.filter(order__in=orders).count() == orders.count()
    totals = orders.aggregate(p=Sum("price_fen"), c=Sum("credit_fen"), k=Sum("copay_fen"))
    assert totals["p"] == totals["c"] + totals["k"]
    before = (Order.objects.count(), CreditEntry.objects.count(), CarePlan.objects.count())
    demo.seed(5, io.StringIO(), today=today)
    assert (Order.objects.count(), CreditEntry.objects.count(),
            CarePlan.objects.count()) == before


def test_a_reseed_grants_credit_again_although_the_old_runs_are_approved(db, settings):
    settings.BENEFITS_POLICY_DIR = settings.BASE_DIR / "policies"
    today = timezone.localdate()
    demo_seed(elders=2000, seed=5, today=today)
    demo.seed(5, io.StringIO(), today=today)
    demo_seed(elders=2000, seed=5, today=today, reset=True)  # wipes elders and their credit
    assert not CreditEntry.objects.exists()
    demo.seed(5, io.StringIO(), today=today)
    assert CreditEntry.objects.filter(kind="grant").exists() and CarePlan.objects.exists()
