"""Demo: the first provider's dispatcher finds today's and tomorrow's plans already made
(runs after the visit history, so past days keep their recorded caregivers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from anlao.accounts.models import Organisation, User
from anlao.demo.world import PROVIDERS
from anlao.homecare.dispatch.services import dispatch_plan_day
from anlao.homecare.models import DispatchPlan


def seed(seed: int, stdout: Any) -> None:
    provider = Organisation.objects.filter(name=PROVIDERS[0][0]).first()
    manager = User.objects.filter(username="provider_manager").first()
    if provider is None or manager is None:
        stdout.write("  dispatch demo: no demo provider or manager, skipped")
        return
    today = timezone.localdate()
    # planned as the dispatcher would have at 06:00, so the demo shows a whole day's routes
    # (and the caregiver login a route) whatever the hour `make demo` runs
    morning = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 0)))
    for day in (today, today + dt.timedelta(days=1)):
        if DispatchPlan.objects.filter(provider=provider, date=day).exists():
            continue
        plan = dispatch_plan_day(actor=manager, provider=provider, date=day, now=morning)
        stdout.write(f"  dispatch demo: {day} planned, {plan.served} visits served, "
                     f"{plan.unassigned} not assigned, {plan.solve_ms} ms")
