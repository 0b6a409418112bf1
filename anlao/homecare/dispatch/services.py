"""Dispatch services: plan a provider's day, pin / unpin / move a visit, re-plan on order changes.

A plan is the solver's answer written onto the day's ``Visit`` rows (caregiver, sequence, planned
times, travel) plus one ``DispatchPlan`` row of totals. Pinned visits are the dispatcher's word:
a re-plan keeps their caregiver and start. Every dispatcher write to one visit is a conditional
UPDATE on ``Visit.version``, so of two dispatchers acting on the same visit exactly one wins; a
re-plan locks the day's rows (``select_for_update``) and bumps every version it rewrites.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit
from anlao.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from anlao.core.roles import require
from anlao.core.scoping import scope_by_organisation
from anlao.homecare.dispatch.build import (
    PLANNABLE,
    BuildOptions,
    DayInstance,
    at_seconds,
    build_day,
    caregiver_skills,
    job_skills,
    seconds_since_midnight,
    shift_of,
    working_profiles,
)
from anlao.homecare.dispatch.routing import reasons
from anlao.homecare.dispatch.routing.model import Plan
from anlao.homecare.dispatch.routing.solve import solve
from anlao.homecare.models import (
    CaregiverProfile,
    DispatchPlan,
    Order,
    OrderState,
    Visit,
    VisitState,
)

PLAN_FIELDS = ["caregiver", "sequence", "planned_start", "planned_end", "travel_seconds",
               "state", "unassigned_reason", "version", "updated_at"]


def check_provider(*, actor: Any, provider: Any) -> None:
    """Dispatchers act for their own provider only; another provider's day does not exist."""
    require(actor, "dispatch.manage")
    if not actor.is_superuser and actor.organisation_id != provider.pk:
        raise NotFound(_("No such provider."))


def _not_past(day: dt.date, now: dt.datetime) -> None:
    if day < timezone.localdate(now):
        raise ValidationFailed({"date": [_("A day in the past cannot be planned.")]})


def dispatch_plan_day(*, actor: Any, provider: Any, date: dt.date,
                      now: dt.datetime | None = None) -> DispatchPlan:
    """Assign and order the provider's visits of ``date``; pinned visits keep caregiver and
    start. Today is planned from ``now`` on."""
    check_provider(actor=actor, provider=provider)
    now = now or timezone.now()
    _not_past(date, now)
    with transaction.atomic():
        return _plan(actor=actor, provider=provider, day=date, now=now)


def _plan(*, actor: Any, provider: Any, day: dt.date, now: dt.datetime,
          free_start: set[int] | None = None) -> DispatchPlan:
    """The re-plan itself, inside the caller's transaction (no permission check)."""
    row, _created = DispatchPlan.objects.select_for_update().get_or_create(
        provider=provider, date=day)
    list(Visit.objects.select_for_update().filter(provider=provider, date=day)
         .values_list("pk", flat=True))  # hold the day's rows until the plan is written
    not_before = seconds_since_midnight(day, now) if day == timezone.localdate(now) else 0
    built = build_day(provider, day, BuildOptions(not_before=max(0, not_before),
                                                  free_start=free_start or set()))
    level = settings.HOMECARE["EXPLORATION_LEVEL"]
    started = time.perf_counter()
    plan = solve(built.instance, exploration_level=level)
    solve_ms = round((time.perf_counter() - started) * 1000)
    _write_back(built, plan, day, now)
    before = {"served": row.served, "unassigned": row.unassigned,
              "travel_seconds": row.travel_seconds}
    row.exploration_level = level
    row.served = plan.served
    row.unassigned = len(built.visits) - plan.served
    row.travel_seconds = plan.travel_s
    row.solve_ms = solve_ms
    row.computed_by = actor if getattr(actor, "pk", None) else None
    row.computed_at = now
    row.save()
    audit(actor=actor, action="dispatch.plan", obj=row, before=before,
          after={"served": row.served, "unassigned": row.unassigned,
                 "travel_seconds": row.travel_seconds, "date": day.isoformat()})
    return row


def _write_back(built: DayInstance, plan: Plan, day: dt.date, now: dt.datetime) -> None:
    """Every plannable visit of the day gets its new assignment (or reason), in bulk."""
    served = {stop.job_id: (route.vehicle_id, seq, stop)
              for route in plan.routes for seq, stop in enumerate(route.stops, start=1)}
    why = {**built.pre_unassigned, **plan.unassigned}
    for pk, v in built.visits.items():
        if pk in served:
            caregiver_id, seq, stop = served[pk]
            v.caregiver_id, v.sequence, v.state = caregiver_id, seq, VisitState.ASSIGNED
            v.planned_start = at_seconds(day, stop.start)
            v.planned_end = v.planned_start + dt.timedelta(minutes=v.order.minutes)
            v.travel_seconds, v.unassigned_reason = stop.travel_s, ""
        else:
            # a pinned visit keeps its caregiver: the dispatcher's intent outlives one bad day
            v.caregiver_id = v.caregiver_id if v.pinned else None
            v.sequence, v.planned_start, v.planned_end = None, None, None
            v.travel_seconds, v.state = 0, VisitState.UNASSIGNED
            v.unassigned_reason = why.get(pk, reasons.NO_TIME)[:200]
        v.updated_at = now
    _conditional_bulk_update(list(built.visits.values()))


def _conditional_bulk_update(visits: list[Visit], chunk: int = 200) -> None:
    """Write the plan only onto rows still at the version it was computed from. PostgreSQL
    already holds their locks; on SQLite (no row locks) this is what stops a re-plan from
    overwriting a pin that landed while the solver ran."""
    for i in range(0, len(visits), chunk):
        part = visits[i:i + chunk]
        unchanged = Q()
        for v in part:
            unchanged |= Q(pk=v.pk, version=v.version)
            v.version += 1
        if Visit.objects.filter(unchanged).bulk_update(part, PLAN_FIELDS) != len(part):
            raise Conflict(_("The day changed while it was being planned; press Re-plan "
                             "again."))


# --- one visit at a time -------------------------------------------------------------------

def _visit_for(actor: Any, visit_id: int) -> Visit:
    require(actor, "dispatch.manage")
    qs = scope_by_organisation(Visit.objects.all(), actor, "provider")
    visit = qs.select_related("order__item", "provider", "caregiver__caregiver").filter(
        pk=visit_id).first()
    if visit is None:
        raise NotFound(_("No such visit."))
    if visit.state not in PLANNABLE:
        raise ServiceError(_("This visit is %(state)s and can no longer be dispatched.")
                           % {"state": visit.get_state_display()}, code="state")
    return visit


def _conditional_update(visit: Visit, expected: int, now: dt.datetime, **fields: Any) -> None:
    """Write only if nobody changed the visit since the dispatcher saw ``expected``."""
    done = (Visit.objects.filter(pk=visit.pk, version=expected, state__in=PLANNABLE)
            .update(**fields, version=F("version") + 1, updated_at=now))
    if done != 1:
        raise Conflict(_("This visit was changed by someone else; reload."))


def visit_pin(*, actor: Any, visit_id: int, version: int,
              now: dt.datetime | None = None) -> Visit:
    """Keep an assigned visit with its caregiver at its planned start through re-plans."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _visit_for(actor, visit_id)
        if visit.caregiver_id is None or visit.planned_start is None:
            raise ServiceError(_("Only an assigned visit can be pinned; move it to a caregiver "
                                 "instead."), code="state")
        _conditional_update(visit, version, now, pinned=True)
        audit(actor=actor, action="visit.pin", obj=visit, before={"pinned": visit.pinned},
              after={"pinned": True, "caregiver": visit.caregiver_id})
    visit.refresh_from_db()
    return visit


def visit_unpin(*, actor: Any, visit_id: int, version: int,
                now: dt.datetime | None = None) -> Visit:
    """Let the next re-plan move the visit again."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _visit_for(actor, visit_id)
        _conditional_update(visit, version, now, pinned=False)
        audit(actor=actor, action="visit.unpin", obj=visit, before={"pinned": visit.pinned},
              after={"pinned": False})
    visit.refresh_from_db()
    return visit


def _move_target(visit: Visit, caregiver_id: int, start: dt.time | None) -> CaregiverProfile:
    """The caregiver (of the visit's provider, on duty that day, able) or a clear refusal."""
    profile = CaregiverProfile.objects.filter(pk=caregiver_id, provider_id=visit.provider_id,
                                              is_active=True).select_related("caregiver").first()
    if profile is None:
        raise ValidationFailed({"caregiver": [_("Choose a caregiver of this provider.")]})
    name = profile.caregiver.name
    if profile.pk not in working_profiles(visit.provider, visit.date):
        raise ValidationFailed({"caregiver": [
            _("%(name)s is not working on %(date)s.") % {"name": name, "date": visit.date}]})
    if not job_skills(visit) <= caregiver_skills(profile):
        raise ValidationFailed({"caregiver": [
            _("%(name)s lacks the skill or certificate level this service needs.")
            % {"name": name}]})
    shift = shift_of(profile, visit.date)
    if start is not None and shift is not None:
        begins = start.hour * 3600 + start.minute * 60
        if not shift[0] <= begins <= shift[1] - visit.order.minutes * 60:
            raise ValidationFailed({"start": [
                _("The visit must start and end within %(name)s's working hours.")
                % {"name": name}]})
    return profile


def visit_move(*, actor: Any, visit_id: int, version: int, caregiver_id: int,
               start: dt.time | None = None, now: dt.datetime | None = None) -> DispatchPlan:
    """Give the visit to another caregiver (optionally at a time), pin it there and re-plan
    the rest of the day around it."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _visit_for(actor, visit_id)
        _not_past(visit.date, now)
        profile = _move_target(visit, caregiver_id, start)
        planned = at_seconds(visit.date, start.hour * 3600 + start.minute * 60) if start \
            else visit.planned_start
        _conditional_update(visit, version, now, caregiver=profile, pinned=True,
                            planned_start=planned)
        audit(actor=actor, action="visit.move", obj=visit,
              before={"caregiver": visit.caregiver_id, "pinned": visit.pinned},
              after={"caregiver": profile.pk, "pinned": True,
                     "start": start.isoformat() if start else None})
        return _plan(actor=actor, provider=visit.provider, day=visit.date, now=now,
                     free_start=set() if start else {visit.pk})


# --- called by the order services ----------------------------------------------------------

def dispatch_on_order_change(*, actor: Any, order: Order,
                             now: dt.datetime | None = None) -> DispatchPlan | None:
    """After an order is added or cancelled: free a cancelled order's slot, then re-plan its
    day when that day already has a plan (pinned visits stay). The caller (an order service)
    has checked its own permission; the actor is recorded as the one who caused the re-plan."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = Visit.objects.filter(order=order).first()
        if order.state == OrderState.CANCELLED and visit is not None:
            _free(actor, visit, now)
        elif order.state == OrderState.ACCEPTED and visit is None:
            # every accepted order has exactly one visit; create it if the caller did not
            Visit.objects.create(order=order, provider_id=order.provider_id, date=order.date)
        if order.date < timezone.localdate(now):
            return None
        if not DispatchPlan.objects.filter(provider_id=order.provider_id,
                                           date=order.date).exists():
            return None
        return _plan(actor=actor, provider=order.provider, day=order.date, now=now)


def _free(actor: Any, visit: Visit, now: dt.datetime) -> None:
    if visit.state in (VisitState.DONE, VisitState.IN_PROGRESS):
        return  # a visit under way or done is the caregiver's record, not a slot
    if visit.state == VisitState.CANCELLED and visit.caregiver_id is None:
        return  # the order service freed it already
    before = {"state": visit.state, "caregiver": visit.caregiver_id}
    Visit.objects.filter(pk=visit.pk).update(
        state=VisitState.CANCELLED, caregiver=None, sequence=None, planned_start=None,
        planned_end=None, travel_seconds=0, pinned=False, unassigned_reason="",
        version=F("version") + 1, updated_at=now)
    audit(actor=actor, action="visit.cancel", obj=visit, before=before,
          after={"state": VisitState.CANCELLED, "caregiver": None})
