"""EVV anomaly rules and their review (see docs/evv.md), registered on the rules kernel
(anlao.core.rules) as "homecare.anomalies".

Each rule is a named pure function over ``VisitFacts`` returning a short, language-neutral
detail when the visit breaks it, or ``None``. The same facts feed the per-visit check on
check-out and the bulk ``detect_for_visits`` (a handful of queries for any number of visits).
A visit is paid only when its review is ``verified``: pending while an anomaly is open,
rejected as soon as a reviewer rejects one.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.areas.selectors import area_by_code
from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.core.roles import has_perm, require
from anlao.core.rules import FindingStore, Rule, RuleSet, Status, finding_decide, findings_add
from anlao.core.scoping import narrow_to_area, scope
from anlao.homecare.models import Anomaly, AnomalyState, Channel, Review, Visit, VisitState
from anlao.people.models import ElderStatus

# Language-neutral detail tokens, translated when shown.
DETAIL_LABELS = {
    "no GPS": gettext_lazy("no GPS position"),
    "no home position": gettext_lazy("the elder's home has no coordinates"),
    "no check-out": gettext_lazy("no check-out by the end of the day"),
    "unplanned": gettext_lazy("unplanned visit started by the caregiver"),
    "deceased": gettext_lazy("deceased"),
    "moved_out": gettext_lazy("moved out"),
}


@dataclass(frozen=True)
class VisitFacts:
    visit_id: int
    date: dt.date
    check_in_at: dt.datetime | None
    check_out_at: dt.datetime | None
    check_in_has_gps: bool
    check_in_distance_m: int | None
    planned_minutes: int
    elder_status: str
    elder_status_date: dt.date | None
    channel: str
    # the same caregiver's other checked-in visits that day: (id, check-in, check-out — or
    # check-in + planned minutes when it was never checked out)
    others: tuple[tuple[int, dt.datetime, dt.datetime], ...] = ()
    away: str = ""  # the elder's recorded absence that day (people.Absence kind), if any


@dataclass(frozen=True)
class RuleConfig:
    geofence_m: int
    short_share: float
    now: dt.datetime


def config(now: dt.datetime | None = None) -> RuleConfig:
    hc = settings.HOMECARE
    return RuleConfig(int(hc["GEOFENCE_M"]), float(hc["SHORT_VISIT_SHARE"]),
                      now or timezone.now())


# --- the rules ------------------------------------------------------------------------------

def outside_geofence(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """Checked in without a position, away from the home, or where the home is unknown."""
    if f.check_in_at is None:
        return None
    if not f.check_in_has_gps:
        return "no GPS"
    if f.check_in_distance_m is None:
        return "no home position"
    if f.check_in_distance_m > cfg.geofence_m:
        return f"{f.check_in_distance_m} m > {cfg.geofence_m} m"
    return None


def too_short(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """Shorter than SHORT_VISIT_SHARE of the order's planned minutes."""
    if f.check_in_at is None or f.check_out_at is None or not f.planned_minutes:
        return None
    minutes = (f.check_out_at - f.check_in_at).total_seconds() / 60
    if minutes < cfg.short_share * f.planned_minutes:
        return f"{int(minutes)} min < {cfg.short_share:.0%} × {f.planned_minutes} min"
    return None


def overlap(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """Another visit by the same caregiver started while this one ran. A visit never checked
    out is taken to run for its planned minutes (its missing check-out is a rule of its own;
    counting it as running all day flagged every later visit of the caregiver)."""
    if f.check_in_at is None:
        return None
    end = f.check_out_at or min(cfg.now, f.check_in_at + dt.timedelta(minutes=f.planned_minutes))
    for other_id, o_start, o_end in f.others:
        if o_start < end and o_end > f.check_in_at:
            return f"#{other_id}"
    return None


def elder_unavailable(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """The elder was recorded deceased or moved out on or before the visit day, or was in
    hospital (or otherwise away: people.Absence) that day."""
    if f.check_in_at is None:
        return None
    if f.away:
        return f.away
    if f.elder_status == ElderStatus.ACTIVE:
        return None
    if f.elder_status_date is None or f.elder_status_date <= f.date:
        return f"{f.elder_status} {f.elder_status_date or ''}".strip()
    return None


def missing_check_out(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """Checked in, and the visit's day ended without a check-out."""
    if f.check_in_at is None or f.check_out_at is not None:
        return None
    return "no check-out" if timezone.localdate(cfg.now) > f.date else None


def no_order(f: VisitFacts, cfg: RuleConfig) -> str | None:
    """An unplanned visit the caregiver started at the door."""
    return "unplanned" if f.check_in_at is not None and f.channel == Channel.CAREGIVER else None


RULES: tuple[Rule, ...] = (
    Rule("outside_geofence", gettext_lazy("check-in outside the geofence"), outside_geofence),
    Rule("too_short", gettext_lazy("visit too short"), too_short),
    Rule("overlap", gettext_lazy("overlapping visits"), overlap),
    Rule("elder_unavailable", gettext_lazy("elder deceased or moved out"), elder_unavailable),
    Rule("missing_check_out", gettext_lazy("missing check-out"), missing_check_out),
    Rule("no_order", gettext_lazy("check-in without an order"), no_order),
)
CODES = tuple(r.code for r in RULES)
# One anomaly per visit and rule, never replaced. The kernel's lifecycle in the words reviewers
# know: an anomaly is accepted (dismissed: the visit stands) or rejected (confirmed: not paid).
STORE = FindingStore(
    model="homecare.Anomaly", key=("visit_id", "rule"), status_field="state",
    note_field="review_note",
    values={Status.CONFIRMED: AnomalyState.REJECTED, Status.DISMISSED: AnomalyState.ACCEPTED},
    labels={Status.CONFIRMED: gettext_lazy("Reject"), Status.DISMISSED: gettext_lazy("Accept")},
    posted={Status.CONFIRMED: "reject", Status.DISMISSED: "accept"}, form_field="decision",
    note_hint=gettext_lazy("Note (required to reject)"))


# --- facts and detection --------------------------------------------------------------------

_FACT_FIELDS = ("pk", "caregiver_id", "date", "check_in_at", "check_out_at", "check_in_lat",
                "order__elder_id",
                "check_in_distance_m", "order__minutes", "order__channel",
                "order__elder__status", "order__elder__status_date")


def _others(rows: list[dict]) -> dict[tuple[int, dt.date], list[tuple]]:
    """Every checked-in visit of the rows' caregivers on the rows' days, in one query."""
    keys = {(r["caregiver_id"], r["date"]) for r in rows if r["caregiver_id"]}
    if not keys:
        return {}
    found = Visit.objects.filter(
        caregiver_id__in={k[0] for k in keys}, date__in={k[1] for k in keys},
        check_in_at__isnull=False,
    ).values_list("pk", "caregiver_id", "date", "check_in_at", "check_out_at", "order__minutes")
    by_key: dict[tuple[int, dt.date], list[tuple]] = defaultdict(list)
    for pk, cg, day, start, end, minutes in found:
        if (cg, day) in keys:
            # never checked out: taken to run for its planned minutes
            by_key[(cg, day)].append((pk, start, end or start + dt.timedelta(minutes=minutes)))
    return by_key


def facts_for(visits: QuerySet[Visit]) -> list[VisitFacts]:
    rows = list(visits.filter(check_in_at__isnull=False).values(*_FACT_FIELDS))
    others = _others(rows)
    away = _away(rows)
    return [VisitFacts(
        visit_id=r["pk"], date=r["date"], check_in_at=r["check_in_at"],
        check_out_at=r["check_out_at"], check_in_has_gps=r["check_in_lat"] is not None,
        check_in_distance_m=r["check_in_distance_m"], planned_minutes=r["order__minutes"],
        elder_status=r["order__elder__status"], elder_status_date=r["order__elder__status_date"],
        channel=r["order__channel"],
        others=tuple(o for o in others.get((r["caregiver_id"], r["date"]), ())
                     if o[0] != r["pk"]),
        away=away.get((r["order__elder_id"], r["date"]), ""),
    ) for r in rows]


def _away(rows: list[dict]) -> dict[tuple[int, dt.date], str]:
    """(elder, day) → absence kind for the rows' elders on the rows' days, in one query."""
    from anlao.people.models import Absence

    elders, days = {r["order__elder_id"] for r in rows}, {r["date"] for r in rows}
    if not rows:
        return {}
    found: dict[tuple[int, dt.date], str] = {}
    for e, kind, start, end in Absence.objects.filter(
            elder_id__in=elders, start__lte=max(days)).exclude(end__lt=min(days)) \
            .values_list("elder_id", "kind", "start", "end"):
        for d in days:
            if start <= d and (end is None or d <= end):
                found[(e, d)] = kind
    return found


def evaluate(facts: Iterable[VisitFacts], cfg: RuleConfig,
             rules: Iterable[str] = CODES) -> list[Anomaly]:
    """Unsaved anomalies for every rule each visit breaks."""
    found = []
    checks = [(code, ANOMALIES.rule(code).check) for code in rules]
    for f in facts:
        for code, check in checks:
            detail = check(f, cfg)
            if detail is not None:
                found.append(Anomaly(visit_id=f.visit_id, rule=code, detail=detail[:200]))
    return found


def detect_for_visits(visits: QuerySet[Visit], *, now: dt.datetime | None = None,
                      rules: Iterable[str] = CODES) -> list[Anomaly]:
    """Run the rules over many visits at once; insert the new anomalies (existing ones for the
    same visit and rule are kept as they are). Visits that got one become review=pending.

    Credit is not touched here: the caller that verifies in bulk (the demo) books it itself.
    Returns the anomalies found (unsaved copies where one already existed).
    """
    cfg = config(now)
    found = evaluate(facts_for(visits), cfg, rules)
    if found:
        findings_add(STORE, found)
        Visit.objects.filter(pk__in={a.visit_id for a in found}) \
            .exclude(review=Review.REJECTED).update(review=Review.PENDING)
    return found


# --- the visit's review state ---------------------------------------------------------------

def _credit_hook(name: str) -> Callable[..., Any] | None:
    try:
        from anlao.homecare.visits import credit
    except ImportError:
        return None
    return getattr(credit, name, None)


def _call_credit(name: str, visit: Visit, actor: Any) -> None:
    fn = _credit_hook(name)
    if fn is None:
        return
    kwargs: dict[str, Any] = {"visit": visit}
    if "actor" in inspect.signature(fn).parameters:
        kwargs["actor"] = actor
    fn(**kwargs)


def review_refresh(visit: Visit, *, actor: Any) -> str:
    """Set the visit's review from its anomalies; book or refund credit on the transition."""
    states = set(visit.anomalies.values_list("state", flat=True))
    visit.refresh_from_db(fields=["review", "check_out_at"])
    if AnomalyState.REJECTED in states:
        new = Review.REJECTED
    elif AnomalyState.OPEN in states or (visit.check_out_at is None and not visit.anomalies
                                         .filter(rule="missing_check_out",
                                                 state=AnomalyState.ACCEPTED).exists()):
        new = Review.PENDING
    else:
        new = Review.VERIFIED
    old = visit.review
    if new == old:
        return new
    if not Visit.objects.filter(pk=visit.pk, review=old).update(review=new):
        raise ServiceError(_("This visit changed meanwhile; reload and try again."))
    visit.review = new
    audit(actor=actor, action="visit.review", obj=visit, before={"review": old},
          after={"review": new})
    if new == Review.VERIFIED:
        _call_credit("credit_spend_for_visit", visit, actor)
    elif new == Review.REJECTED:
        _call_credit("credit_refund_for_visit", visit, actor)
    return new


# --- reviewers ------------------------------------------------------------------------------

def visits_scope(qs: QuerySet, actor: Any, prefix: str = "") -> QuerySet:
    """Provider staff see their organisation's visits; others the elders of their areas."""
    return scope(qs, actor, area=f"{prefix}order__elder__residence_area",
                 organisation=f"{prefix}provider")


def may_see_anomalies(actor: Any) -> bool:
    """Reviewers, and those who read settlements (a provider's manager, auditors)."""
    return has_perm(actor, "visit.review") or has_perm(actor, "settlement.view")


@dataclass
class AnomalyFilters:
    rule: str = ""
    provider: int | None = None
    street: str = ""  # area code
    state: str = AnomalyState.OPEN


def anomalies_for(actor: Any, filters: AnomalyFilters | None = None) -> QuerySet[Anomaly]:
    if not may_see_anomalies(actor):
        return Anomaly.objects.none()
    f = filters or AnomalyFilters()
    qs = visits_scope(Anomaly.objects.all(), actor, "visit__")
    if f.state:
        qs = qs.filter(state=f.state)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.provider:
        qs = qs.filter(visit__provider_id=f.provider)
    if f.street:
        qs = narrow_to_area(qs, actor, "visit__order__elder__residence_area",
                            area_by_code(f.street))
    return qs.select_related("visit__order__elder__residence_area__parent",
                             "visit__order__item", "visit__provider",
                             "visit__caregiver__caregiver").order_by("visit__date", "id")


@transaction.atomic
def anomaly_review(*, actor: Any, anomaly_id: int, accept: bool, note: str = "",
                   now: dt.datetime | None = None) -> Anomaly:
    """Accept (the visit stands) or reject (the visit is not paid) one open anomaly."""
    require(actor, "visit.review")
    now = now or timezone.now()
    note = (note or "").strip()
    if not accept and len(note) < 2:
        raise ServiceError(_("Say why the visit is rejected."), field="note")
    a = finding_decide(STORE, anomalies_for(actor, AnomalyFilters(state="")),
                       finding_id=anomaly_id, to=Status.DISMISSED if accept else Status.CONFIRMED,
                       actor=actor, note=note, now=now)
    audit(actor=actor, action="anomaly.review", obj=a, before={"state": AnomalyState.OPEN},
          after={"state": a.state, "note": note})
    if accept and a.rule == "missing_check_out":
        # the reviewer confirms the service was given although nobody checked out: the visit
        # is done (its check-out stays empty, which is the record of what happened)
        Visit.objects.filter(pk=a.visit_id, state=VisitState.IN_PROGRESS).update(
            state=VisitState.DONE, updated_at=now)
    review_refresh(a.visit, actor=actor)
    return a


@transaction.atomic
def anomalies_sweep(*, now: dt.datetime | None = None) -> int:
    """Nightly: visits checked in on an earlier day and never checked out."""
    now = now or timezone.now()
    open_visits = Visit.objects.filter(check_in_at__isnull=False, check_out_at__isnull=True,
                                       date__lt=timezone.localdate(now))
    open_visits = open_visits.exclude(Q(anomalies__rule="missing_check_out"))
    found = detect_for_visits(open_visits, now=now, rules=("missing_check_out",))
    if found:
        audit(actor=None, action="anomaly.sweep", entity="homecare.anomaly", entity_id="",
              after={"missing_check_out": len(found)})
    return len(found)


def describe(a: Anomaly) -> str:
    """The detail in the reader's language."""
    detail = a.detail
    for token, label in DETAIL_LABELS.items():
        if detail == token or detail.startswith(token + " "):
            return str(label) + detail[len(token):]
    return detail


ANOMALIES = RuleSet(
    name="homecare.anomalies", title=gettext_lazy("Visit anomalies"), subject="homecare.Visit",
    rules=RULES, store=STORE, run=anomalies_sweep,
    run_note=gettext_lazy("The other rules run when a visit is checked out."))
