"""Import of past assessment results from Excel: all-or-nothing, every row error reported.

One row per assessment. Columns (header row; Chinese or English names, any order):

=================  ======================  ================================================
身份证号            id_number               the elder's ID (must be in your scope)
评估机构            agency                  name of an assessment agency
评估日期            assessed_on             YYYY-MM-DD (or an Excel date)
B.1.1 … B.4.5      (item code first)       item scores — all 26, or none
自理能力 …          self_care, mobility,    dimension subtotals (optional)
                   mental, perception_social
总分                total                   required when the items are not given
等级                level                   final level 0–4 (optional)
评估原因            reason                  optional; default "scheduled"
昏迷/痴呆/精神障碍    coma/dementia/          optional flags (是/1/yes)
                   psychiatric_disorder
风险事件数          risk_events             optional count in the 30 days before
=================  ======================  ================================================

A given total that differs from the items' sum is an error; so is a level below the one the
total gives (C.4 only raises levels). A level above it is kept, with a "recorded" change.
Imported results are final history: the two-assessor rule of new entries does not apply.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from anlao.accounts.models import Organisation, OrganisationType
from anlao.assessments import conf
from anlao.assessments.instrument import Instrument, load
from anlao.assessments.models import (
    Assessment,
    AssessmentReason,
    AssessmentSource,
    AssessmentState,
)
from anlao.assessments.scoring import Conditions, LevelChange, level_for_total, score
from anlao.assessments.services import make_current_if_latest
from anlao.core.audit import audit
from anlao.core.imports import (
    Column,
    ImportRejected,
    ImportSpec,
    MissingColumns,
    Row,
    RowError,
    import_all_or_nothing,
)
from anlao.core.xlsx import template, workbook_bytes
from anlao.people.idnumbers import upgrade_15
from anlao.people.selectors import elders_visible
from anlao.people.validation import parse_bool, parse_date

MAX_ROWS = 20_000
HEAD = (
    Column("id_number", "身份证号", "ID number", True),
    Column("agency", "评估机构", "Agency", True),
    Column("assessed_on", "评估日期", "Assessment date", True),
    Column("reason", "评估原因", "Reason"),
)
TAIL = (
    Column("total", "总分", "Total"),
    Column("level", "等级", "Level"),
    Column("coma", "昏迷", "Coma"),
    Column("dementia", "痴呆", "Dementia"),
    Column("psychiatric_disorder", "精神障碍", "Psychiatric disorder"),
    Column("risk_events", "风险事件数", "Risk events"),
)
REASON_WORDS = {str(label): value for value, label in AssessmentReason.choices}


def columns(inst: Instrument) -> tuple[Column, ...]:
    """The template's columns: an item's header is its code and name (``B.2.4 上下楼梯``)."""
    items = tuple(Column(i.code, f"{i.code} {i.zh}", i.code) for i in inst.items)
    dimensions = tuple(Column(d.key, d.zh, d.en) for d in inst.dimensions)
    return HEAD + items + dimensions + TAIL


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    raise ValueError(text)


def _int_in(row: Row, column: str, lo: int, hi: int) -> int | None:
    """The cell as a whole number from ``lo`` to ``hi``; an error on the row otherwise."""
    try:
        value = _int(row.values.get(column))
    except ValueError:
        value = -1
    if value is not None and not lo <= value <= hi:
        row.error(column, _("Must be a whole number from %(lo)s to %(hi)s.")
                  % {"lo": lo, "hi": hi})
        return None
    return value


@dataclass
class _Context:
    elders: dict[str, Any]
    agencies: dict[str, Organisation]
    today: dt.date
    inst: Instrument


def _context(actor: Any, rows: list[Row], today: dt.date, inst: Instrument) -> _Context:
    numbers = {_id_number(r.values.get("id_number")) for r in rows} - {""}
    elders: dict[str, Any] = {}
    # active records first, so a re-registered person resolves to the live record
    for e in elders_visible(actor=actor).filter(id_number__in=numbers).order_by("status"):
        elders.setdefault(e.id_number, e)
    agencies = {}
    for org in Organisation.objects.filter(type=OrganisationType.ASSESSMENT_AGENCY):
        agencies[org.name] = agencies[str(org.pk)] = org
    return _Context(elders, agencies, today, inst)


def _id_number(value: Any) -> str:
    text = str(value or "").strip().upper()
    return upgrade_15(text) if len(text) == 15 and text.isdigit() else text


def _check_row(row: Row, ctx: _Context) -> Assessment | None:
    v = row.values
    elder = ctx.elders.get(_id_number(v.get("id_number")))
    if elder is None:
        row.error("id_number", _("No elder with this ID number in your area."))
    agency = ctx.agencies.get(str(v.get("agency") or "").strip())
    if agency is None:
        row.error("agency", _("Unknown assessment agency."))
    try:
        on = parse_date(v.get("assessed_on"))
    except (ValueError, TypeError):
        on = None
    if on is None:
        row.error("assessed_on", _("Give the date of the assessment as YYYY-MM-DD."))
    elif on > ctx.today:
        row.error("assessed_on", _("The assessment date cannot be in the future."))
    elif elder is not None and on < elder.birth_date:
        row.error("assessed_on", _("The assessment date is before the elder's birth."))
    reason = str(v.get("reason") or "").strip() or AssessmentReason.SCHEDULED
    reason = REASON_WORDS.get(reason, reason)
    if reason not in AssessmentReason.values:
        row.error("reason", _("Choose a reason from the list."))
    result = _check_scores(row, ctx)
    if row.failed or result is None:
        return None
    return Assessment(elder=elder, agency=agency, reason=reason, assessed_on=on, **result)


def _conditions(row: Row) -> Conditions:
    v = row.values
    events = _int_in(row, "risk_events", 0, 99) or 0
    return Conditions(coma=parse_bool(v.get("coma")), dementia=parse_bool(v.get("dementia")),
                      psychiatric_disorder=parse_bool(v.get("psychiatric_disorder")),
                      risk_events={"other": events} if events else {})


def _check_scores(row: Row, ctx: _Context) -> dict[str, Any] | None:
    """Items (all or none), subtotals, total and level, checked against one another."""
    inst, before = ctx.inst, len(row.errors)
    items = {i.code: _int_in(row, i.code, 0, i.max_score) for i in inst.items}
    subtotals = {d.code: _int_in(row, d.key, 0, d.max_score) for d in inst.dimensions}
    total, level = _int_in(row, "total", 0, inst.max_total), _int_in(row, "level", 0, 4)
    cond = _conditions(row)
    if len(row.errors) > before:
        return None
    given = {c: s for c, s in items.items() if s is not None}
    if given and len(given) < len(items):
        row.error("items", _("Give all 26 item scores or none; missing: %(items)s")
                  % {"items": ", ".join(c for c in items if items[c] is None)})
        return None
    if given:
        res = score(given, cond, conf.level_rules(), inst)
        sums, computed, initial = res.subtotals, res.total, res.initial_level
        final, changes = res.final_level, list(res.changes)
        _check_sum(row, "total", computed, total)
        for d in inst.dimensions:
            _check_sum(row, d.key, sums[d.code], subtotals[d.code])
    elif total is None:
        row.error("total", _("Give the total score or all 26 item scores."))
        return None
    else:
        sums, computed = {k: s for k, s in subtotals.items() if s is not None}, total
        if len(sums) == len(subtotals):
            _check_sum(row, "total", total, sum(sums.values()), subtotals=True)
        initial = final = level_for_total(total, inst)
        changes = []
    final = _check_level(row, level, final, changes)
    return {"answers": given, "subtotals": sums, "total": computed, "initial_level": initial,
            "final_level": final, "level_changes": [c.as_dict() for c in changes],
            "coma": cond.coma, "dementia": cond.dementia,
            "psychiatric_disorder": cond.psychiatric_disorder,
            "risk_events": dict(cond.risk_events)}


def _check_sum(row: Row, column: str, computed: int, given: int | None,
               subtotals: bool = False) -> None:
    if given is None or given == computed:
        return
    message = (_("The subtotals add up to %(sum)s, not %(total)s.") if subtotals else
               _("The items add up to %(sum)s, not %(total)s."))
    if subtotals:
        computed, given = given, computed
    row.error(column, message % {"sum": computed, "total": given})


def _check_level(row: Row, level: int | None, final: int, changes: list) -> int:
    """A recorded level may be above the computed one (kept, with a change), never below."""
    if level is None or level == final:
        return final
    if level < final:
        row.error("level", _("Level %(level)s is below the level %(computed)s that the scores "
                             "give.") % {"level": level, "computed": final})
        return final
    changes.append(LevelChange("recorded", final, level,
                               gettext_noop("Level as recorded in the imported result.")))
    return level


class AssessmentImportSpec(ImportSpec[Assessment]):
    """One past result per row, checked against itself (items, subtotals, total, level),
    against the other rows (one result per elder and date) and against final assessments
    already recorded."""

    permission = "assessment.import"
    first_word = True  # "B.2.4 上下楼梯", "B.2.4 stairs"
    max_rows = MAX_ROWS

    def __init__(self, actor: Any, *, today: dt.date):
        self.inst = load()
        self.columns = columns(self.inst)
        super().__init__(actor, today=today)

    def prepare(self, rows: list[Row]) -> None:
        self.ctx = _context(self.actor, rows, self.today, self.inst)
        self.seen: dict[tuple[int, dt.date], int] = {}

    def check_row(self, row: Row) -> Assessment | None:
        a = _check_row(row, self.ctx)
        if a is None:
            return None
        key = (a.elder.pk, a.assessed_on)
        if key in self.seen:
            row.error("id_number", _("Same elder and date as row %(row)s.")
                      % {"row": self.seen[key]})
            return None
        self.seen[key] = row.number
        return a

    def check_file(self, rows: list[Row]) -> None:
        existing = set(Assessment.objects.filter(
            elder_id__in={r.value.elder_id for r in rows}, state=AssessmentState.FINAL,
        ).values_list("elder_id", "assessed_on"))
        for r in rows:
            if (r.value.elder_id, r.value.assessed_on) in existing:
                r.error("assessed_on", _("A final assessment of this elder on this date "
                                         "exists."))

    def write(self, values: list[Assessment]) -> list[Assessment]:
        _write(self.actor, values)
        return values


def assessment_import(*, actor: Any, file: IO[bytes] | bytes | str, dry_run: bool = False,
                      today: dt.date | None = None) -> ImportResult:
    """Check every row; write all of them (as final assessments) only when none has an error.
    Each elder's level follows their latest final assessment."""
    spec = AssessmentImportSpec(actor, today=today or timezone.localdate())
    upload = io.BytesIO(file) if isinstance(file, bytes) else file
    try:
        report = import_all_or_nothing(spec, upload, dry_run=dry_run)
    except MissingColumns as exc:
        return ImportResult(errors=[RowError(1, c.field, _("Column missing."))
                                    for c in exc.missing])
    except ImportRejected as exc:
        return ImportResult(errors=[RowError(0, "file", exc.message)])
    return ImportResult(created=len(report.written), errors=report.errors, rows=report.rows)


def _write(actor: Any, built: list[Assessment]) -> None:
    now, version = timezone.now(), load().version
    for a in built:
        a.state, a.source, a.instrument_version = (AssessmentState.FINAL,
                                                   AssessmentSource.IMPORT, version)
        a.created_by, a.finalised_by, a.finalised_at = actor, actor, now
    Assessment.objects.bulk_create(built, batch_size=1000)
    latest: dict[int, Assessment] = {}
    for a in built:
        if a.elder_id not in latest or a.assessed_on > latest[a.elder_id].assessed_on:
            latest[a.elder_id] = a
    for a in latest.values():
        make_current_if_latest(actor=actor, assessment=a)
    audit(actor=actor, action="assessment.import", entity="assessments.assessment",
          entity_id="", after={"created": len(built)},
          note=f"{len(built)} rows, {len(latest)} elders")


def import_template() -> bytes:
    """An empty workbook with the header row."""
    book = template(columns(load()), title="评估结果", english=False, mark_required=False)
    return workbook_bytes(book)
