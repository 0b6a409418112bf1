"""Every write to the waitlist. Each appends events to the facility's log, recomputes the
queue from the log, refreshes the cached status and writes an audit row, atomically.

Writes to one facility's queue are serialised by locking the facility row, so two officers
cannot offer the same bed or the same first place at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit
from anlao.core.errors import NotFound, ServiceError
from anlao.core.roles import require
from anlao.facilities.models import BedCategory, Facility
from anlao.people.models import ElderStatus
from anlao.people.selectors import elder_get
from anlao.waitlist import queue as q
from anlao.waitlist.classes import elder_class
from anlao.waitlist.models import ACTIVE_STATUSES, WaitlistApplication, WaitlistEvent
from anlao.waitlist.policy import WaitlistPolicy, load_policy
from anlao.waitlist.selectors import (
    application_get,
    facility_events,
    facility_managed_get,
    public_care_home_get,
    withdrawals_since,
)
from anlao.waitlist.workdays import load_calendar


def _lock(facility_id: int) -> Facility:
    return Facility.objects.select_for_update().get(pk=facility_id)


def _event(app: WaitlistApplication, kind: str, *, actor: Any, at: dt.datetime,
           reason: str = "", **data: Any) -> WaitlistEvent:
    return WaitlistEvent.objects.create(
        facility_id=app.facility_id, application=app, kind=kind, at=at, data=data,
        reason=reason[:255], actor=actor if getattr(actor, "pk", None) else None)


def _refresh(facility_id: int, policy: WaitlistPolicy) -> list[q.Entry]:
    """Replay the facility's log and write the cached status/class back (changed rows only)."""
    state = q.replay(facility_events(facility_id), policy)
    cached = WaitlistApplication.objects.filter(facility_id=facility_id).only(
        "id", "status", "class_code")
    for app in cached:
        entry = state.get(app.pk)
        if entry and (app.status, app.class_code) != (entry.status, entry.class_code):
            app.status, app.class_code = entry.status, entry.class_code
            app.save(update_fields=["status", "class_code", "updated_at"])
    return q.order(state, policy)


def _check_not_barred(elder_id: int, now: dt.datetime, policy: WaitlistPolicy) -> None:
    window = now - dt.timedelta(days=policy.withdrawals_window_days)
    recent = withdrawals_since(elder_id, window - dt.timedelta(days=policy.withdrawals_bar_days))
    # Barred when `max` withdrawals fall within one window and the bar has not run out.
    for i in range(len(recent) - policy.withdrawals_max + 1):
        first, last = recent[i], recent[i + policy.withdrawals_max - 1]
        until = last + dt.timedelta(days=policy.withdrawals_bar_days)
        if last - first <= dt.timedelta(days=policy.withdrawals_window_days) and until > now:
            raise ServiceError(
                _("This elder withdrew %(n)d applications within a year and may not apply "
                  "again before %(date)s.") % {"n": policy.withdrawals_max,
                                               "date": timezone.localdate(until).isoformat()},
                code="barred")


@transaction.atomic
def waitlist_apply(*, actor: Any, elder_id: int, facility_id: int, bed_category: str,
                   at: dt.datetime | None = None) -> WaitlistApplication:
    """Put an elder on a public care home's waitlist and set their class from their data."""
    require(actor, "waitlist.apply")
    elder = elder_get(actor=actor, elder_id=elder_id)
    facility = public_care_home_get(facility_id)
    if bed_category not in BedCategory.values:
        raise ServiceError(_("Choose a bed category."), field="bed_category")
    if elder.status != ElderStatus.ACTIVE:
        raise ServiceError(_("Only an elder with active status can apply."), field="elder")
    _lock(facility.pk)
    if WaitlistApplication.objects.filter(facility=facility, elder=elder,
                                          status__in=ACTIVE_STATUSES).exists():
        raise ServiceError(_("%(name)s is already on the waitlist of %(facility)s.")
                           % {"name": elder.name, "facility": facility.name},
                           code="duplicate", field="facility")
    now = at or timezone.now()
    policy = load_policy()
    _check_not_barred(elder.pk, now, policy)
    app = WaitlistApplication.objects.create(facility=facility, elder=elder, applied_at=now,
                                             bed_category=bed_category, created_by=actor
                                             if getattr(actor, "pk", None) else None)
    _event(app, q.APPLIED, actor=actor, at=now, bed_category=bed_category)
    _set_class(app, actor=actor, at=now, policy=policy, reason="application")
    _refresh(facility.pk, policy)
    audit(actor=actor, action="waitlist.apply", obj=app,
          after={"facility": facility.pk, "elder": elder.pk, "bed_category": bed_category,
                 "class": app.class_code})
    return app


def _set_class(app: WaitlistApplication, *, actor: Any, at: dt.datetime,
               policy: WaitlistPolicy, reason: str) -> bool:
    code, rule, facts = elder_class(policy, app.elder, on=timezone.localdate(at))
    if code == app.class_code:
        return False
    used = {k: facts.get(k) for k in (rule or {})}
    _event(app, q.CLASS_SET, actor=actor, at=at, reason=reason, rule=rule or {},
           facts=used, policy=policy.id, **{"class": code})
    app.class_code = code
    return True


@transaction.atomic
def waitlist_reclassify(*, actor: Any, application_id: int) -> bool:
    """Set the class again from the elder's current data (after a new assessment)."""
    require(actor, "waitlist.apply")
    app = _active(actor, application_id)
    _lock(app.facility_id)
    policy = load_policy()
    before = app.class_code
    if not _set_class(app, actor=actor, at=timezone.now(), policy=policy,
                      reason="reassessment"):
        return False
    _refresh(app.facility_id, policy)
    audit(actor=actor, action="waitlist.reclassify", obj=app, before={"class": before},
          after={"class": app.class_code})
    return True


def waitlist_reclassify_elder(*, actor: Any, elder_id: int) -> int:
    """After the elder's ability level changed (a final assessment): set the class of each of
    their open applications again. Runs after the assessment's transaction commits (the
    ``elder.level_changed`` hook, see WaitlistConfig.ready), as the assessment's actor, whose
    permission was checked there. Returns how many applications changed class."""
    changed = 0
    policy = load_policy()
    apps = WaitlistApplication.objects.filter(elder_id=elder_id, status__in=ACTIVE_STATUSES)
    for app in apps.select_related("elder"):
        _lock(app.facility_id)
        before = app.class_code
        if _set_class(app, actor=actor, at=timezone.now(), policy=policy,
                      reason="reassessment"):
            _refresh(app.facility_id, policy)
            audit(actor=actor, action="waitlist.reclassify", obj=app, before={"class": before},
                  after={"class": app.class_code}, note="after a final assessment")
            changed += 1
    return changed


def _active(actor: Any, application_id: int) -> WaitlistApplication:
    app = application_get(actor=actor, application_id=application_id)
    if app.status not in ACTIVE_STATUSES:
        raise ServiceError(_("This application is closed (%(status)s).")
                           % {"status": app.get_status_display()}, code="closed")
    return app


def _managed(actor: Any, application_id: int) -> WaitlistApplication:
    """An application to a facility the actor manages, with the facility row locked."""
    require(actor, "waitlist.manage")
    app = application_get(actor=actor, application_id=application_id)
    facility_managed_get(actor=actor, facility_id=app.facility_id)
    _lock(app.facility_id)
    app.refresh_from_db()
    return app


def _beds_held(facility_id: int, bed_category: str) -> int:
    return WaitlistApplication.objects.filter(
        facility_id=facility_id, bed_category=bed_category,
        status__in=("offered", "accepted")).count()


@transaction.atomic
def waitlist_offer(*, actor: Any, application_id: int, on: dt.date | None = None
                   ) -> WaitlistEvent:
    """Offer a free bed to this applicant; refused unless they are first for its category."""
    app = _managed(actor, application_id)
    policy = load_policy()
    queue = q.compute_queue(facility_events(app.facility_id), policy)
    first = q.first_waiting(queue, app.bed_category)
    if first is None or first.application_id != app.pk:
        mine = next((e for e in queue if e.application_id == app.pk), None)
        raise ServiceError(
            _("Only the first waiting applicant for a %(cat)s bed can be offered one: that is "
              "No. %(first)s, this applicant is %(mine)s.") % {
                "cat": BedCategory(app.bed_category).label,
                "first": first.position if first else "—",
                "mine": _("No. %d") % mine.position if mine and mine.position
                else app.get_status_display()},
            code="not_first")
    if app.facility.free_beds(app.bed_category) - _beds_held(app.facility_id,
                                                             app.bed_category) <= 0:
        raise ServiceError(_("%(facility)s has no free %(cat)s bed to offer.") % {
            "facility": app.facility.name, "cat": BedCategory(app.bed_category).label},
            code="no_bed")
    day = on or timezone.localdate()
    due = load_calendar().add_working_days(day, policy.offer_working_days)
    ev = _event(app, q.OFFERED, actor=actor, at=timezone.now(), due=due.isoformat(),
                offered_on=day.isoformat())
    _refresh(app.facility_id, policy)
    audit(actor=actor, action="waitlist.offer", obj=app, after={"due": due.isoformat()})
    return ev


def first_in_line(facility_id: int, bed_category: str) -> int | None:
    """The application a freed bed of this category goes to (None when nobody waits)."""
    entry = q.first_waiting(q.compute_queue(facility_events(facility_id), load_policy()),
                            bed_category)
    return entry.application_id if entry else None


def waitlist_offer_next(*, actor: Any, facility_id: int, bed_category: str,
                        on: dt.date | None = None) -> WaitlistEvent:
    facility_managed_get(actor=actor, facility_id=facility_id)
    app_id = first_in_line(facility_id, bed_category)
    if app_id is None:
        raise NotFound(_("Nobody is waiting for a bed of this category."))
    return waitlist_offer(actor=actor, application_id=app_id, on=on)


def _open_offer(app: WaitlistApplication) -> None:
    if app.status != "offered":
        raise ServiceError(_("This applicant has no open offer."), code="no_offer")


@transaction.atomic
def waitlist_accept(*, actor: Any, application_id: int, on: dt.date | None = None
                    ) -> WaitlistApplication:
    """Record the acceptance and admit the elder through the facilities app."""
    from anlao.facilities.services import facility_admit

    app = _managed(actor, application_id)
    _open_offer(app)
    day = on or timezone.localdate()
    due = _offer_due(app)
    if due and day > due:
        raise ServiceError(_("The offer ran out on %(date)s; record it as lapsed.")
                           % {"date": due.isoformat()}, code="lapsed")
    policy = load_policy()
    now = timezone.now()
    _event(app, q.ACCEPTED, actor=actor, at=now)
    facility_admit(actor=actor, facility_id=app.facility_id, elder_id=app.elder_id,
                   bed_category=app.bed_category, on=day)
    _event(app, q.ADMITTED, actor=actor, at=now, admitted_on=day.isoformat())
    _refresh(app.facility_id, policy)
    audit(actor=actor, action="waitlist.admit", obj=app, after={"admitted_on": day.isoformat()})
    app.refresh_from_db()
    return app


def _offer_due(app: WaitlistApplication) -> dt.date | None:
    ev = app.events.filter(kind=q.OFFERED).order_by("-id").first()
    return dt.date.fromisoformat(ev.data["due"]) if ev and ev.data.get("due") else None


@transaction.atomic
def waitlist_decline(*, actor: Any, application_id: int, reason: str = ""
                     ) -> WaitlistApplication:
    app = _managed(actor, application_id)
    _open_offer(app)
    policy = load_policy()
    _event(app, q.DECLINED, actor=actor, at=timezone.now(), reason=reason)
    _refresh(app.facility_id, policy)
    app.refresh_from_db()
    audit(actor=actor, action="waitlist.decline", obj=app, after={"status": app.status},
          note=reason)
    return app


@transaction.atomic
def waitlist_withdraw(*, actor: Any, application_id: int, reason: str = ""
                      ) -> WaitlistApplication:
    """The applicant withdraws (counted for the re-application bar)."""
    require(actor, "waitlist.apply")
    app = _active(actor, application_id)
    _lock(app.facility_id)
    policy = load_policy()
    _event(app, q.WITHDRAWN, actor=actor, at=timezone.now(), reason=reason)
    _refresh(app.facility_id, policy)
    app.refresh_from_db()
    audit(actor=actor, action="waitlist.withdraw", obj=app, note=reason)
    return app


@transaction.atomic
def waitlist_expire_offers(*, actor: Any, facility_id: int, today: dt.date | None = None
                           ) -> int:
    """Record every open offer of the facility whose answer time ran out as lapsed."""
    require(actor, "waitlist.manage")
    facility_managed_get(actor=actor, facility_id=facility_id)
    return _expire_offers(actor, facility_id, today or timezone.localdate())


def waitlist_expire_all(*, today: dt.date | None = None) -> int:
    """The periodic job: lapse overdue offers in every facility (actor = the system)."""
    day = today or timezone.localdate()
    facility_ids = (WaitlistApplication.objects.filter(status="offered")
                    .values_list("facility_id", flat=True).distinct())
    total = 0
    for facility_id in list(facility_ids):
        with transaction.atomic():
            total += _expire_offers(None, facility_id, day)
    return total


def _expire_offers(actor: Any, facility_id: int, day: dt.date) -> int:
    _lock(facility_id)
    policy = load_policy()
    lapsed = 0
    for app in WaitlistApplication.objects.filter(facility_id=facility_id, status="offered"):
        due = _offer_due(app)
        if due and day > due:
            _event(app, q.LAPSED, actor=actor, at=timezone.now(),
                   reason=f"no answer by {due.isoformat()}", due=due.isoformat())
            lapsed += 1
    if lapsed:
        _refresh(facility_id, policy)
        audit(actor=actor, action="waitlist.expire", entity="facilities.facility",
              entity_id=facility_id, after={"lapsed": lapsed})
    return lapsed
