"""Hospital stays and other absences from home: recorded by area staff, read by home care."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.roles import require
from anlao.people.models import Absence, AbsenceKind
from anlao.people.selectors import elder_get

FIELDS = ["elder_id", "kind", "start", "end", "note"]


def _check(kind: str, start: Any, end: Any, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in AbsenceKind.values:
        errors["kind"] = [_("Choose hospital or away.")]
    if not isinstance(start, dt.date):
        errors["start"] = [_("Give the first day.")]
    elif start > today + dt.timedelta(days=60):
        errors["start"] = [_("The first day is too far ahead.")]
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["end"] = [_("The last day cannot be before the first.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def absence_record(*, actor: Any, elder_id: int, kind: str, start: Any, end: Any = None,
                   note: str = "", today: dt.date | None = None) -> Absence:
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id)
    _check(kind, start, end, today or timezone.localdate())
    absence = Absence.objects.create(elder=elder, kind=kind, start=start, end=end,
                                     note=(note or "").strip()[:200])
    audit(actor=actor, action="absence.record", obj=absence, after=snapshot(absence, FIELDS))
    return absence


@transaction.atomic
def absence_end(*, actor: Any, elder_id: int, absence_id: int, end: dt.date) -> Absence:
    """The elder is back: close an open absence on ``end`` (inclusive)."""
    require(actor, "elder.write")
    elder = elder_get(actor=actor, elder_id=elder_id)
    absence = elder.absences.filter(pk=absence_id).first()
    if absence is None:
        raise NotFound(_("No such absence."))
    _check(absence.kind, absence.start, end, end)
    before = snapshot(absence, FIELDS)
    absence.end = end
    absence.save(update_fields=["end", "updated_at"])
    audit(actor=actor, action="absence.end", obj=absence, before=before,
          after=snapshot(absence, FIELDS))
    return absence


def absences_of(elder: Any) -> QuerySet[Absence]:
    return elder.absences.all()[:10]
