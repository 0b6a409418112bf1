"""Checking an assessment's fields, shared by the services, the API and the Excel import.

Each function returns per-field messages (``{"field": ["message", …]}``) and never raises, so a
caller can collect every error of a form or an import row before refusing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.assessments.instrument import Instrument, load
from anlao.assessments.models import AssessmentReason
from anlao.assessments.scoring import check_answers
from anlao.core.roles import Role

Errors = dict[str, list[str]]
MAX_EVENTS = 99


def add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def answer_errors(answers: Any, *, complete: bool,
                  instrument: Instrument | None = None) -> Errors:
    """Item answers, keyed ``answers.B.1.1`` for the API and forms."""
    if not isinstance(answers, Mapping):
        return {"answers": [_("Answers must map item codes to scores.")]}
    raw = check_answers(answers, complete=complete, instrument=instrument)
    return {f"answers.{code}": msgs for code, msgs in raw.items()}


def risk_event_errors(events: Any, instrument: Instrument | None = None) -> Errors:
    inst = instrument or load()
    if not isinstance(events, Mapping):
        return {"risk_events": [_("Care-risk events must map event types to counts.")]}
    errors: Errors = {}
    for code, count in events.items():
        if code not in inst.risk_event_codes:
            add(errors, f"risk_events.{code}", _("Unknown care-risk event type."))
        elif isinstance(count, bool) or not isinstance(count, int) or not (
                0 <= count <= MAX_EVENTS):
            add(errors, f"risk_events.{code}",
                _("Give a count between 0 and %(max)s.") % {"max": MAX_EVENTS})
    return errors


def date_errors(assessed_on: Any, *, birth_date: dt.date, today: dt.date) -> Errors:
    if not isinstance(assessed_on, dt.date):
        return {"assessed_on": [_("Give the date of the assessment.")]}
    if assessed_on > today:
        return {"assessed_on": [_("The assessment date cannot be in the future.")]}
    if assessed_on < birth_date:
        return {"assessed_on": [_("The assessment date is before the elder's birth.")]}
    return {}


def reason_errors(reason: Any) -> Errors:
    if reason not in AssessmentReason.values:
        return {"reason": [_("Choose a reason from the list.")]}
    return {}


def agency_errors(agency: Organisation | None) -> Errors:
    if agency is None or agency.type != OrganisationType.ASSESSMENT_AGENCY or not (
            agency.is_active):
        return {"agency": [_("Choose an active assessment agency.")]}
    return {}


def assessor_errors(assessors: Mapping[str, User | None], agency: Organisation,
                    *, require_both: bool) -> Errors:
    """``assessor_1``/``assessor_2``: active assessors of ``agency``, two different people."""
    errors: Errors = {}
    for name, user in assessors.items():
        if user is None:
            if require_both:
                add(errors, name, _("Two assessors are required on site."))
        elif not user.is_active or user.role != Role.ASSESSOR or (
                user.organisation_id != agency.pk):
            add(errors, name, _("%(user)s is not an assessor of %(agency)s.")
                % {"user": user, "agency": agency.name})
    users = [u for u in assessors.values() if u is not None]
    if len(users) == 2 and users[0].pk == users[1].pk:
        add(errors, "assessor_2", _("The two assessors must be different people."))
    return errors


def coma_errors(coma: bool, answers: Mapping[str, Any]) -> Errors:
    """Coma and the consciousness item must agree (B.3.9 = 0 covers stupor and coma)."""
    value = answers.get("B.3.9")
    if coma and value not in (None, 0):
        return {"answers.B.3.9": [_("An elder in a coma scores 0 for level of "
                                    "consciousness.")]}
    return {}


def merge(*parts: Errors) -> Errors:
    out: Errors = {}
    for part in parts:
        for name, messages in part.items():
            out.setdefault(name, []).extend(messages)
    return out
