"""The assessment app's settings, each with its documented default (docs/assessments.md).

Read through these functions so tests can override them with pytest-django's ``settings``.

- ``ASSESSMENT_LEVEL_CHANGES_STACK`` (False): whether C.4's two "one level up" rules (mental
  disorder; two or more care-risk events) may both apply. Default: one level up at most.
- ``ASSESSMENT_RISK_EVENTS_ACROSS_TYPES`` (True): two events of different types count as two.
- ``ASSESSMENT_REASSESS_MONTHS`` (12): a reassessment is due this many months after the last
  final assessment (GB/T 42195-2022 asks for at least yearly).
- ``ASSESSMENT_DUE_SOON_DAYS`` (30): the "due soon" window of the schedule list.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from anlao.assessments.scoring import LevelRules
from anlao.core.periods import add_months


def level_rules() -> LevelRules:
    return LevelRules.from_settings()


def reassess_months() -> int:
    return settings.ASSESSMENT_REASSESS_MONTHS


def due_soon_days() -> int:
    return settings.ASSESSMENT_DUE_SOON_DAYS


def due_on(last_final: dt.date) -> dt.date:
    return add_months(last_final, reassess_months())
