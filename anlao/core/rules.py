"""Rules and findings: named rules that flag something for a person to review (the kernel).

An app describes its rules once, as a ``RuleSet``: the ``Rule``s (code, title, description,
severity, the pure callable that checks), the subject one finding is about (a facility, a
visit, an elder in a benefit run), how its findings are stored (``FindingStore``: the app's own
model, the fields that name one finding and the fields that hold its review) and, when the set
can be re-run on its own, ``run(*, now)``. It registers the set from its ``AppConfig.ready``.

The kernel gives every app the same three things:

- one lifecycle, ``open → confirmed | dismissed``, decided once, with reviewer, time and note
  (``finding_decide``); an app whose stored words differ (home care: ``accepted`` /
  ``rejected``) maps them in its store, so rows and the words users know stay as they were;
- one idempotent write: ``findings_replace`` (the scope's findings become exactly what the rules
  found now, a reviewer's decision on the same finding carried over) or ``findings_add`` (new
  findings inserted, existing ones kept as they are);
- one review page: ``review_filters`` + ``review_page`` for the list, and the ``findings``
  template tags (status badge, confirm / dismiss form with a note).

Core imports no app: models are named by label and resolved when used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.core.errors import NotFound, ServiceError

Text = str | Promise  # a title or label, usually lazily translated


class Status(models.TextChoices):
    """The kernel's words for where a finding stands."""

    OPEN = "open", gettext_lazy("open")
    CONFIRMED = "confirmed", gettext_lazy("confirmed")  # the rule was right: act on it
    DISMISSED = "dismissed", gettext_lazy("dismissed")  # the rule was wrong here: let it be


class Severity(models.TextChoices):
    ERROR = "error", gettext_lazy("breach")
    WARNING = "warning", gettext_lazy("warning")


NOTE = gettext_lazy("Note")
DECISIONS = (Status.CONFIRMED, Status.DISMISSED)
TRANSITIONS: dict[str, frozenset[str]] = {Status.OPEN: frozenset(DECISIONS)}


class IllegalTransition(ServiceError):
    code = "conflict"


@dataclass(frozen=True)
class Rule:
    """One named rule. ``check`` is the app's pure function; its signature is the set's own
    (facts in, findings out), so a rule can be tested without a database."""

    code: str
    title: Text
    check: Callable[..., Any]
    description: Text = ""
    severity: str = Severity.WARNING


@dataclass(frozen=True)
class FindingStore:
    """Where a rule set keeps its findings: the app's model and the fields the kernel uses.

    ``key``: the fields that name one finding (the same rule on the same subject), used to
    carry a review over when the rules run again. ``values``: the stored status for each kernel
    status, where the app stores other words; ``labels``: the app's words for the decisions on
    its review form (defaults "Confirm" / "Dismiss"), ``posted`` the values that form sends
    (defaults: the stored ones) in its ``form_field``, and ``note_hint`` its placeholder.
    """

    model: str  # "app_label.ModelName"
    key: tuple[str, ...]
    status_field: str = "status"
    note_field: str = "note"
    values: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Text] = field(default_factory=dict)
    posted: Mapping[str, str] = field(default_factory=dict)  # decision → value posted
    form_field: str = "status"
    note_hint: Text = NOTE

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def stored(self, status: str) -> str:
        return self.values.get(status, status)

    def status_of(self, finding: Any) -> str:
        stored = getattr(finding, self.status_field)
        return next((s for s in Status if self.stored(s) == stored), stored)

    def note_max(self) -> int:
        return self.model_class()._meta.get_field(self.note_field).max_length or 255

    def label(self, decision: str) -> Text:
        default = {Status.CONFIRMED: gettext_lazy("Confirm"),
                   Status.DISMISSED: gettext_lazy("Dismiss")}
        return self.labels.get(decision) or default[decision]

    def decision_from(self, posted: str | None) -> str | None:
        """The decision a review form sent (None when it is not one)."""
        return next((d for d in DECISIONS if self.posted.get(d, self.stored(d)) == posted),
                    None)

    def choices(self) -> list[tuple[str, str]]:
        """(stored value, the app's display word) for a status filter."""
        return list(self.model_class()._meta.get_field(self.status_field).choices or [])


@dataclass(frozen=True)
class RuleSet:
    """An app's rules over one kind of subject, registered under ``name`` ("app.what")."""

    name: str
    title: Text
    subject: str  # the model one finding is about, "app_label.ModelName"
    rules: tuple[Rule, ...]
    store: FindingStore
    run: Callable[..., Any] | None = None  # run(*, now) → counts: every rule, whole scope
    run_note: Text = ""  # when run is None: when the rules do run

    @property
    def app(self) -> str:
        return self.name.split(".", 1)[0]

    def codes(self) -> list[str]:
        return [r.code for r in self.rules]

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise LookupError(code)

    def titles(self) -> dict[str, Text]:
        return {r.code: r.title for r in self.rules}

    def title_of(self, code: str) -> str:
        """The rule's title in the current language (the code for a rule since removed)."""
        return str(self.titles().get(code, code))


# --- the registry ---------------------------------------------------------------------------

_REGISTRY: dict[str, RuleSet] = {}


def register(ruleset: RuleSet) -> RuleSet:
    """Add (or replace, when a module is imported again) a rule set. Call from ready()."""
    codes = ruleset.codes()
    if len(set(codes)) != len(codes):
        raise ValueError(f"rule set {ruleset.name}: a rule code is used twice")
    _REGISTRY[ruleset.name] = ruleset
    return ruleset


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def rulesets(app: str | None = None) -> list[RuleSet]:
    """The registered sets (of one app), in registration order."""
    return [s for s in _REGISTRY.values() if app is None or s.app == app]


def ruleset(name: str) -> RuleSet:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no rule set {name!r} is registered") from None


def run_all(*, app: str | None = None, now: dt.datetime | None = None
            ) -> dict[str, Any]:
    """Run every registered set that can run on its own; {set name: what it returned}."""
    now = now or timezone.now()
    return {s.name: s.run(now=now) for s in rulesets(app) if s.run is not None}


# --- writing findings -----------------------------------------------------------------------

def _key(store: FindingStore, row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, f) for f in store.key)


REVIEW_FIELDS = ("reviewed_by_id", "reviewed_at")


def findings_replace(store: FindingStore, existing: QuerySet, found: Iterable[models.Model],
                     *, batch_size: int = 2000) -> list[models.Model]:
    """Make ``existing`` (one scope's findings) exactly ``found`` (unsaved rows).

    A finding that no longer holds goes; one that still holds keeps its reviewer's decision,
    note and time, so re-running over unchanged facts changes nothing a reader sees and nobody
    reviews the same finding twice. Call inside the transaction that computed ``found``.
    """
    decided = {_key(store, r): r for r in
               existing.exclude(**{store.status_field: store.stored(Status.OPEN)})}
    rows = list(found)
    for row in rows:
        old = decided.get(_key(store, row))
        if old is not None:
            for name in (store.status_field, store.note_field, *REVIEW_FIELDS):
                setattr(row, name, getattr(old, name))
    existing.delete()
    return store.model_class().objects.bulk_create(rows, batch_size=batch_size)


def findings_add(store: FindingStore, found: Iterable[models.Model],
                 *, batch_size: int = 1000) -> None:
    """Insert new findings; one already stored under the same key stays as it is (the model
    needs a unique constraint over ``store.key``)."""
    store.model_class().objects.bulk_create(list(found), ignore_conflicts=True,
                                            batch_size=batch_size)


# --- the lifecycle --------------------------------------------------------------------------

def finding_decide(store: FindingStore, findings: QuerySet, *, finding_id: int, to: str,
                   actor: Any, note: str = "", now: dt.datetime | None = None) -> Any:
    """Move one open finding to confirmed or dismissed, with reviewer, time and note.

    ``findings``: what the actor may review (scoped by the app's selector), so a finding out of
    scope is NotFound. A decided finding is final (IllegalTransition): the conditional update
    also makes two reviewers at once safe. The app checks permissions and its own note rules
    before, and audits after, in the same transaction.
    """
    note = (note or "").strip()
    if len(note) > store.note_max():
        raise ServiceError(_("The note is too long (at most %(n)d characters).")
                           % {"n": store.note_max()}, field="note")
    with transaction.atomic():
        row = findings.filter(pk=finding_id).first()
        if row is None:
            raise NotFound(_("No such finding."))
        current = store.status_of(row)
        if to not in TRANSITIONS.get(current, frozenset()):
            raise IllegalTransition(_("This finding was already reviewed.")
                                    if current in DECISIONS
                                    else _("A finding is confirmed or dismissed."))
        changed = store.model_class().objects.filter(
            pk=row.pk, **{store.status_field: store.stored(current)}).update(**{
                store.status_field: store.stored(to), store.note_field: note,
                "reviewed_by": actor, "reviewed_at": now or timezone.now()})
        if not changed:
            raise IllegalTransition(_("This finding was already reviewed."))
        row.refresh_from_db()
        return row


# --- the review page ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewFilters:
    rule: str = ""
    status: str = ""  # a stored status value, "" for all


def review_filters(ruleset: RuleSet, params: QueryDict, *, status_param: str = "status",
                   default_status: str = "") -> ReviewFilters:
    """The rule and status a review page was asked for; anything unknown means "all"."""
    rule = params.get("rule", "")
    status = params.get(status_param, default_status)
    known = {value for value, _label in ruleset.store.choices()}
    return ReviewFilters(rule=rule if rule in ruleset.codes() else "",
                         status=status if status in known else "")


def review_page(findings: QuerySet, params: QueryDict, *, per_page: int = 50) -> Page:
    return Paginator(findings, per_page).get_page(params.get("page"))


def query_without_page(params: QueryDict) -> str:
    """The page's query string without ``page``, for pager links and the form's way back."""
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()
