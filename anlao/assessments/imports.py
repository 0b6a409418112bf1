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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook, load_workbook

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
from anlao.core.roles import require
from anlao.people.idnumbers import upgrade_15
from anlao.people.selectors import elders_visible
from anlao.people.validation import parse_bool, parse_date

MAX_ROWS = 20_000
HEADERS = {
    "身份证号": "id_number", "评估机构": "agency", "评估日期": "assessed_on", "总分": "total",
    "等级": "level", "评估原因": "reason", "昏迷": "coma", "痴呆": "dementia",
    "精神障碍": "psychiatric_disorder", "风险事件数": "risk_events",
    "自理能力": "self_care", "基础运动能力": "mobility", "精神状态": "mental",
    "感知觉与社会参与": "perception_social",
}
REASON_WORDS = {str(label): value for value, label in AssessmentReason.choices}


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number (header is row 1)
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _column(header: Any, inst: Instrument) -> str | None:
    text = str(header or "").strip()
    if not text:
        return None
    first = text.split()[0]
    if first.upper() in inst.item_map:
        return first.upper()
    keys = set(HEADERS.values()) | {"id_number"}
    return HEADERS.get(text) or HEADERS.get(first) or (text.lower() if text.lower() in keys
                                                       else None)


def read_rows(file: IO[bytes] | bytes | str) -> tuple[list[str | None], list[tuple]]:
    """Header names (mapped) and the data rows of the first sheet."""
    if isinstance(file, bytes):
        file = io.BytesIO(file)
    book = load_workbook(file, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    inst = load()
    names = [_column(h, inst) for h in header]
    data = [r for r in rows if any(v not in (None, "") for v in r)]
    book.close()
    return names, data


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


class _Row:
    """One spreadsheet row being checked; collects errors instead of raising."""

    def __init__(self, number: int, values: dict[str, Any], errors: list[RowError]):
        self.number, self.values, self.errors = number, values, errors
        self.start = len(errors)

    @property
    def failed(self) -> bool:
        return len(self.errors) > self.start

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def int(self, column: str, lo: int, hi: int) -> int | None:
        try:
            value = _int(self.values.get(column))
        except ValueError:
            value = -1
        if value is not None and not lo <= value <= hi:
            self.error(column, _("Must be a whole number from %(lo)s to %(hi)s.")
                       % {"lo": lo, "hi": hi})
            return None
        return value


@dataclass
class _Context:
    elders: dict[str, Any]
    agencies: dict[str, Organisation]
    today: dt.date
    inst: Instrument


def _context(actor: Any, rows: list[dict[str, Any]], today: dt.date) -> _Context:
    numbers = {_id_number(r.get("id_number")) for r in rows} - {""}
    elders: dict[str, Any] = {}
    # active records first, so a re-registered person resolves to the live record
    for e in elders_visible(actor).filter(id_number__in=numbers).order_by("status"):
        elders.setdefault(e.id_number, e)
    agencies = {}
    for org in Organisation.objects.filter(type=OrganisationType.ASSESSMENT_AGENCY):
        agencies[org.name] = agencies[str(org.pk)] = org
    return _Context(elders, agencies, today, load())


def _id_number(value: Any) -> str:
    text = str(value or "").strip().upper()
    return upgrade_15(text) if len(text) == 15 and text.isdigit() else text


def _check_row(row: _Row, ctx: _Context) -> Assessment | None:
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


def _conditions(row: _Row) -> Conditions:
    v = row.values
    events = row.int("risk_events", 0, 99) or 0
    return Conditions(coma=parse_bool(v.get("coma")), dementia=parse_bool(v.get("dementia")),
                      psychiatric_disorder=parse_bool(v.get("psychiatric_disorder")),
                      risk_events={"other": events} if events else {})


def _check_scores(row: _Row, ctx: _Context) -> dict[str, Any] | None:
    """Items (all or none), subtotals, total and level, checked against one another."""
    inst, before = ctx.inst, len(row.errors)
    items = {i.code: row.int(i.code, 0, i.max_score) for i in inst.items}
    subtotals = {d.code: row.int(d.key, 0, d.max_score) for d in inst.dimensions}
    total, level, cond = row.int("total", 0, inst.max_total), row.int("level", 0, 4), \
        _conditions(row)
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


def _check_sum(row: _Row, column: str, computed: int, given: int | None,
               subtotals: bool = False) -> None:
    if given is None or given == computed:
        return
    message = (_("The subtotals add up to %(sum)s, not %(total)s.") if subtotals else
               _("The items add up to %(sum)s, not %(total)s."))
    if subtotals:
        computed, given = given, computed
    row.error(column, message % {"sum": computed, "total": given})


def _check_level(row: _Row, level: int | None, final: int, changes: list) -> int:
    """A recorded level may be above the computed one (kept, with a change), never below."""
    if level is None or level == final:
        return final
    if level < final:
        row.error("level", _("Level %(level)s is below the level %(computed)s that the scores "
                             "give.") % {"level": level, "computed": final})
        return final
    changes.append(LevelChange("recorded", final, level,
                               N_("Level as recorded in the imported result.")))
    return level


def _check_all(actor: Any, names: list[str | None], data: list[tuple],
               today: dt.date) -> tuple[list[Assessment], list[RowError]]:
    rows = [{n: val for n, val in zip(names, r, strict=False) if n} for r in data]
    ctx = _context(actor, rows, today)
    errors: list[RowError] = []
    built, seen = [], {}
    for number, values in enumerate(rows, start=2):
        row = _Row(number, values, errors)
        a = _check_row(row, ctx)
        if a is None:
            continue
        key = (a.elder.pk, a.assessed_on)
        if key in seen:
            row.error("id_number", _("Same elder and date as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = number
        built.append(a)
    existing = set(Assessment.objects.filter(
        elder_id__in={a.elder_id for a in built}, state=AssessmentState.FINAL,
    ).values_list("elder_id", "assessed_on"))
    for a in built:
        if (a.elder_id, a.assessed_on) in existing:
            errors.append(RowError(seen[(a.elder_id, a.assessed_on)], "assessed_on",
                                   _("A final assessment of this elder on this date exists.")))
    return built, sorted(errors, key=lambda e: e.row)


def assessment_import(*, actor: Any, file: IO[bytes] | bytes | str, dry_run: bool = False,
                      today: dt.date | None = None) -> ImportResult:
    """Check every row; write all of them (as final assessments) only when none has an error.
    Each elder's level follows their latest final assessment."""
    require(actor, "assessment.import")
    try:
        names, data = read_rows(file)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(errors=[RowError(0, "file", _("This is not an Excel (.xlsx) "
                                                           "file."))])
    missing = [c for c in ("id_number", "agency", "assessed_on") if c not in names]
    if missing:
        return ImportResult(errors=[RowError(1, c, _("Column missing.")) for c in missing])
    if len(data) > MAX_ROWS:
        return ImportResult(errors=[RowError(0, "file", _("At most %(n)s rows per file.")
                                             % {"n": MAX_ROWS})])
    built, errors = _check_all(actor, names, data, today or timezone.localdate())
    if errors or dry_run:
        return ImportResult(created=0, errors=errors, rows=len(data))
    with transaction.atomic():
        _write(actor, built)
    return ImportResult(created=len(built), rows=len(data))


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
    """An empty workbook with the header row and one example row."""
    inst = load()
    book = Workbook()
    sheet = book.active
    sheet.title = "评估结果"
    sheet.append(["身份证号", "评估机构", "评估日期", "评估原因"]
                 + [f"{i.code} {i.zh}" for i in inst.items]
                 + [d.zh for d in inst.dimensions] + ["总分", "等级", "昏迷", "痴呆", "精神障碍",
                                                       "风险事件数"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
