"""Writes of visits: the caregiver's side (EVV: check-in, check-out, confirmation code, tasks)
and the follow-up calls (回访).

Every service finds the visit through ``visit_for_caregiver``: a visit not assigned to the
acting caregiver is "not found", whoever it belongs to. Check-in and check-out are conditional
UPDATEs on the visit's state, so a double tap (or two phones) records exactly one of each.
Positions are validated before anything is written; a caregiver without a GPS fix may say so
(``no_gps=True``): the visit is recorded and raises ``outside_geofence`` ("no GPS") for review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area
from anlao.core.audit import audit, log_access
from anlao.core.errors import NotFound, ServiceError, ValidationFailed
from anlao.core.geo import haversine_m
from anlao.core.periods import month_bounds
from anlao.core.roles import require
from anlao.homecare.models import (
    CaregiverProfile,
    FollowUp,
    FollowUpMethod,
    OrderState,
    Review,
    Visit,
    VisitState,
)
from anlao.homecare.visits import anomalies
from anlao.homecare.visits.anomalies import visits_scope
from anlao.homecare.visits.selectors import (
    caregiver_profile,
    followups_for,
    reveal_reason,
    visit_for_caregiver,
)

MAX_FROM_DISTRICT_M = 50_000  # further than this from the district: the phone's fix is wrong
CODE_DIGITS = 6
MAX_NOTES = 2000


# --- position -------------------------------------------------------------------------------

def _district_centre(elder: Any) -> tuple[float, float] | None:
    parts = elder.residence_area.path.strip("/").split("/")
    district = Area.objects.filter(code=parts[2]).first() if len(parts) > 2 else None
    if district and district.lat is not None and district.lng is not None:
        return district.lat, district.lng
    return None


def _position(elder: Any, lat: Any, lng: Any, no_gps: bool) -> tuple[Any, Any, int | None]:
    """Validated (lat, lng, metres from the elder's home), or a clear error."""
    if lat is None and lng is None:
        if no_gps:
            return None, None, None
        raise ValidationFailed({"position": [_(
            "No GPS position was sent. Allow location access, or check in without a position "
            "(the visit will then be reviewed).")]})
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationFailed({"position": [_("Send both latitude and longitude.")]}) from None
    if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
        raise ValidationFailed({"position": [_("The GPS position is out of range.")]})
    if abs(lat) < 1e-6 and abs(lng) < 1e-6:
        raise ValidationFailed({"position": [_("The GPS position (0, 0) is not a real "
                                               "position; wait for a GPS fix.")]})
    centre = _district_centre(elder)
    if centre and haversine_m(lat, lng, *centre) > MAX_FROM_DISTRICT_M:
        raise ValidationFailed({"position": [_(
            "The GPS position is more than 50 km from the district; check your phone's "
            "location setting.")]})
    if elder.lat is None or elder.lng is None:
        return lat, lng, None
    return lat, lng, round(haversine_m(lat, lng, elder.lat, elder.lng))


def _open_for_work(visit: Visit) -> None:
    if visit.state == VisitState.CANCELLED or visit.order.state == OrderState.CANCELLED:
        raise ServiceError(_("This visit was cancelled."), code="cancelled")


# --- check-in and check-out -----------------------------------------------------------------

@transaction.atomic
def visit_check_in(*, actor: Any, visit: int | Visit, lat: Any, lng: Any,
                   no_gps: bool = False, now: dt.datetime | None = None) -> Visit:
    require(actor, "visit.record")
    now = now or timezone.now()
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    _open_for_work(v)
    if v.check_in_at is not None:
        raise ServiceError(_("You have already checked in to this visit."), code="conflict")
    if v.date != timezone.localdate(now):
        raise ServiceError(_("This visit is planned for %(date)s; check in on that day.")
                           % {"date": v.date.isoformat()}, code="wrong_day")
    if v.state != VisitState.ASSIGNED:
        raise ServiceError(_("This visit cannot be started (state: %(state)s).")
                           % {"state": v.get_state_display()})
    lat, lng, dist = _position(v.order.elder, lat, lng, no_gps)
    if not Visit.objects.filter(pk=v.pk, check_in_at__isnull=True,
                                state=VisitState.ASSIGNED).update(
            check_in_at=now, check_in_lat=lat, check_in_lng=lng, check_in_distance_m=dist,
            state=VisitState.IN_PROGRESS, updated_at=now):
        raise ServiceError(_("You have already checked in to this visit."), code="conflict")
    audit(actor=actor, action="visit.check_in", obj=v, after={
        "at": now.isoformat(), "lat": lat, "lng": lng, "distance_m": dist, "no_gps": no_gps})
    v.refresh_from_db()
    return v


@transaction.atomic
def visit_check_out(*, actor: Any, visit: int | Visit, lat: Any, lng: Any,
                    no_gps: bool = False, now: dt.datetime | None = None) -> Visit:
    """Record the end of the visit, run the anomaly rules and settle its review state."""
    require(actor, "visit.record")
    now = now or timezone.now()
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    if v.check_in_at is None:
        _open_for_work(v)
        raise ServiceError(_("Check in before checking out."), code="not_checked_in")
    if v.check_out_at is not None:
        raise ServiceError(_("You have already checked out of this visit."), code="conflict")
    if now < v.check_in_at:
        raise ServiceError(_("The check-out time is before the check-in time."))
    lat, lng, dist = _position(v.order.elder, lat, lng, no_gps)
    if not Visit.objects.filter(pk=v.pk, check_in_at__isnull=False,
                                check_out_at__isnull=True).update(
            check_out_at=now, check_out_lat=lat, check_out_lng=lng, check_out_distance_m=dist,
            state=VisitState.DONE, updated_at=now):
        raise ServiceError(_("You have already checked out of this visit."), code="conflict")
    type(v.order).objects.filter(pk=v.order_id, state=OrderState.ACCEPTED).update(
        state=OrderState.DONE)
    audit(actor=actor, action="visit.check_out", obj=v, after={
        "at": now.isoformat(), "lat": lat, "lng": lng, "distance_m": dist, "no_gps": no_gps})
    rules = [r for r in anomalies.CODES if r != "missing_check_out"]
    anomalies.detect_for_visits(Visit.objects.filter(pk=v.pk), now=now, rules=rules)
    v.refresh_from_db()
    anomalies.review_refresh(v, actor=actor)
    return v


# --- one-time confirmation code -------------------------------------------------------------

def _code_hash(visit_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"visit:{visit_id}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(visit: Visit, code: str) -> None:
    """Deliver the code to the elder or family. A deployment plugs its SMS gateway in here
    (settings.HOMECARE["CODE_SENDER"], "module:function" called with visit= and code=);
    without one the code goes nowhere and the demo page shows it (DEBUG only)."""
    target = settings.HOMECARE.get("CODE_SENDER", "")
    if target:
        import importlib

        module, _sep, name = target.partition(":")
        getattr(importlib.import_module(module), name)(visit=visit, code=code)


@transaction.atomic
def visit_issue_code(*, actor: Any, visit: int | Visit, now: dt.datetime | None = None) -> str:
    """A fresh 6-digit code for the elder or family; only its keyed hash is stored."""
    require(actor, "visit.record")
    now = now or timezone.now()
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    _open_for_work(v)
    if v.check_in_at is None:
        raise ServiceError(_("Check in before asking for a confirmation code."))
    if v.confirmed_at is not None:
        raise ServiceError(_("The elder has already confirmed this visit."), code="conflict")
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    expires = now + dt.timedelta(minutes=int(settings.HOMECARE["CODE_MINUTES"]))
    Visit.objects.filter(pk=v.pk).update(code_hash=_code_hash(v.pk, code), code_attempts=0,
                                         code_expires_at=expires, updated_at=now)
    audit(actor=actor, action="visit.issue_code", obj=v, after={"expires": expires.isoformat()})
    send_code(v, code)
    return code


def visit_confirm_code(*, actor: Any, visit: int | Visit, code: str,
                       now: dt.datetime | None = None) -> Visit:
    """The elder or family types the code on the caregiver's phone. A wrong guess is counted
    outside the failing transaction (a rollback would undo the count); the fifth burns the
    code, so a 6-digit code cannot be found by trying."""
    require(actor, "visit.record")
    now = now or timezone.now()
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    code = (code or "").strip()
    if v.confirmed_at is not None:
        raise ServiceError(_("The elder has already confirmed this visit."), code="conflict")
    if not v.code_hash or v.code_expires_at is None:
        raise ServiceError(_("Ask for a confirmation code first."), field="code")
    if now > v.code_expires_at:
        raise ServiceError(_("The code has expired; ask for a new one."), field="code")
    if not hmac.compare_digest(v.code_hash, _code_hash(v.pk, code)):
        _count_wrong_code(v, now)
        raise ServiceError(_("The code is wrong."), field="code")
    with transaction.atomic():
        if not Visit.objects.filter(pk=v.pk, confirmed_at__isnull=True, code_hash=v.code_hash) \
                .update(confirmed_at=now, code_hash="", code_expires_at=None, updated_at=now):
            raise ServiceError(_("The elder has already confirmed this visit."),
                               code="conflict")
        audit(actor=actor, action="visit.confirm", obj=v,
              after={"confirmed_at": now.isoformat()})
    v.refresh_from_db()
    return v


MAX_CODE_ATTEMPTS = 5


def _count_wrong_code(v: Visit, now: dt.datetime) -> None:
    attempts = v.code_attempts + 1
    burn = {"code_hash": "", "code_expires_at": None} if attempts >= MAX_CODE_ATTEMPTS else {}
    Visit.objects.filter(pk=v.pk, code_hash=v.code_hash).update(
        code_attempts=attempts, updated_at=now, **burn)
    if burn:
        raise ServiceError(_("Too many wrong codes; ask for a new one."), field="code")


# --- tasks, notes, address --------------------------------------------------------------------

@transaction.atomic
def visit_record_tasks(*, actor: Any, visit: int | Visit, tasks_done: list[str],
                       notes: str = "") -> Visit:
    require(actor, "visit.record")
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    _open_for_work(v)
    if v.check_in_at is None:
        raise ServiceError(_("Check in before recording tasks."))
    allowed = list(v.order.item.tasks or [])
    unknown = [t for t in tasks_done if t not in allowed]
    if unknown:
        raise ValidationFailed({"tasks_done": [_("Not a task of this service: %(task)s")
                                               % {"task": unknown[0]}]})
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationFailed({"notes": [_("Notes are too long (at most 2000 characters).")]})
    done = [t for t in allowed if t in set(tasks_done)]  # the checklist's order, no repeats
    before = {"tasks_done": v.tasks_done, "notes": v.notes}
    v.tasks_done, v.notes = done, notes
    v.save(update_fields=["tasks_done", "notes", "updated_at"])
    audit(actor=actor, action="visit.tasks", obj=v, before=before,
          after={"tasks_done": done, "notes": notes})
    return v


def visit_reveal_address(*, actor: Any, visit: int | Visit, ip: str | None = None) -> str:
    """The full address of a visit on the caregiver's route; the reveal is access-logged."""
    require(actor, "visit.record")
    v = visit_for_caregiver(actor=actor, visit_id=visit)
    _open_for_work(v)
    elder = v.order.elder
    log_access(actor=actor, obj=elder, field="address", reason=reveal_reason(v), ip=ip)
    return elder.address


# --- unplanned visits -----------------------------------------------------------------------


def _contract_item(profile: CaregiverProfile, elder: Any, item_id: Any, on: dt.date) -> Any:
    from anlao.homecare.models import ContractItem

    ci = ContractItem.objects.filter(
        contract__provider=profile.provider, contract__state="active",
        contract__start__lte=on, contract__end__gte=on,
        contract__streets=elder.residence_area.parent_id, item_id=item_id,
    ).select_related("contract", "item").order_by("contract__start", "contract_id").first()
    if ci is None:
        raise ServiceError(_("Your provider has no contract for this service in the elder's "
                             "street."), field="item")
    return ci


@transaction.atomic
def visit_start_unplanned(*, actor: Any, elder_id: Any, item_id: Any, lat: Any, lng: Any,
                          no_gps: bool = False, now: dt.datetime | None = None) -> Visit:
    """Check in at the door of an elder the provider serves, with no order beforehand.

    Creates an order (channel "caregiver") and its visit, checked in, with the ``no_order``
    anomaly: such a visit is paid only after an officer accepts it.
    """
    from anlao.homecare.models import Channel, Order
    from anlao.people.selectors import elders_visible

    require(actor, "visit.record")
    now = now or timezone.now()
    profile = caregiver_profile(actor=actor)
    try:
        elder = elders_visible(actor=actor).filter(pk=int(elder_id), status="active") \
            .select_related("residence_area").first() if profile else None
    except (TypeError, ValueError):
        elder = None
    if elder is None:
        raise NotFound(_("No such elder among those your provider serves."))
    today = timezone.localdate(now)
    ci = _contract_item(profile, elder, item_id, today)
    lat, lng, dist = _position(elder, lat, lng, no_gps)
    local = timezone.localtime(now)
    end = local + dt.timedelta(minutes=ci.item.standard_minutes)
    order = Order.objects.create(
        elder=elder, provider=profile.provider, contract=ci.contract, item=ci.item,
        channel=Channel.CAREGIVER, date=today, window_start=local.time().replace(microsecond=0),
        window_end=end.time().replace(microsecond=0) if end.date() == today else dt.time(23, 59),
        minutes=ci.item.standard_minutes, price_fen=ci.price_fen, created_by=actor)
    visit = Visit.objects.create(
        order=order, provider=profile.provider, date=today, caregiver=profile,
        planned_start=now, planned_end=end, state=VisitState.IN_PROGRESS, check_in_at=now,
        check_in_lat=lat, check_in_lng=lng, check_in_distance_m=dist)
    audit(actor=actor, action="visit.start_unplanned", obj=visit, after={
        "order": order.pk, "elder": elder.pk, "item": ci.item_id, "at": now.isoformat(),
        "lat": lat, "lng": lng, "distance_m": dist, "no_gps": no_gps})
    anomalies.detect_for_visits(Visit.objects.filter(pk=visit.pk), now=now, rules=("no_order",))
    return visit


# --- follow-up (回访) ----------------------------------------------------------------------
# The sample is the ``share`` of visits with the smallest keyed hash of (seed, visit id): the
# same seed gives the same visits whatever order they are read in, and re-drawing adds nothing
# twice.

OUTCOMES = ("done", "no_answer")


def _rank(seed: int, visit_id: int) -> str:
    return hashlib.sha256(f"{seed}:{visit_id}".encode()).hexdigest()


@transaction.atomic
def followups_sample(*, period: dt.date, share: float | None = None, seed: int = 0,
                     actor: Any = None) -> int:
    """Mark ceil(share × n) of the month's verified visits for a call; returns rows added.

    With an actor, only the visits in the actor's scope are sampled (and the actor needs
    followup.record); without one (a command, the demo) the whole city.
    """
    share = settings.HOMECARE["FOLLOW_UP_SHARE"] if share is None else share
    if not 0 <= share <= 1:
        raise ServiceError(_("The share must be between 0 and 1."), field="share")
    start, end = month_bounds(period)
    qs = Visit.objects.filter(date__gte=start, date__lt=end, review=Review.VERIFIED)
    if actor is not None:
        require(actor, "followup.record")
        qs = visits_scope(qs, actor)
    ids = sorted(qs.values_list("pk", flat=True), key=lambda pk: _rank(seed, pk))
    chosen = ids[:math.ceil(share * len(ids))]
    existing = set(FollowUp.objects.filter(visit_id__in=chosen).values_list("visit_id",
                                                                             flat=True))
    rows = [FollowUp(visit_id=pk) for pk in chosen if pk not in existing]
    FollowUp.objects.bulk_create(rows, batch_size=1000)
    audit(actor=actor, action="followup.sample", entity="homecare.followup", entity_id="",
          after={"period": start.isoformat(), "share": share, "seed": seed,
                 "visits": len(ids), "added": len(rows)})
    return len(rows)


@transaction.atomic
def followup_record(*, actor: Any, followup_id: int, outcome: str, method: str = "call",
                    rating: Any = None, comment: str = "",
                    now: dt.datetime | None = None) -> FollowUp:
    """Record the call: a rating 1–5 and a comment; "no answer" keeps it on the worklist."""
    require(actor, "followup.record")
    now = now or timezone.now()
    fu = followups_for(actor=actor, open_only=False).filter(pk=followup_id).first()
    if fu is None:
        raise NotFound(_("No such follow-up."))
    if fu.recorded_at is not None:
        raise ServiceError(_("This follow-up is already recorded."), code="conflict")
    comment = (comment or "").strip()
    errors = _check(outcome, method, rating, comment)
    if errors:
        raise ValidationFailed(errors)
    if outcome == "no_answer":
        audit(actor=actor, action="followup.no_answer", obj=fu, after={"at": now.isoformat()})
        return fu
    if not FollowUp.objects.filter(pk=fu.pk, recorded_at__isnull=True).update(
            method=method, rating=int(rating), comment=comment, recorded_by=actor,
            recorded_at=now, updated_at=now):
        raise ServiceError(_("This follow-up is already recorded."), code="conflict")
    audit(actor=actor, action="followup.record", obj=fu,
          after={"method": method, "rating": int(rating), "comment": comment})
    fu.refresh_from_db()
    return fu


def _check(outcome: str, method: str, rating: Any, comment: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose the result of the call.")]
    if method not in FollowUpMethod.values:
        errors["method"] = [_("Choose how the elder was asked.")]
    if outcome == "done":
        try:
            ok = 1 <= int(rating) <= 5
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors["rating"] = [_("Give a rating from 1 to 5.")]
    if len(comment) > 200:
        errors["comment"] = [_("The comment is too long (at most 200 characters).")]
    return errors
