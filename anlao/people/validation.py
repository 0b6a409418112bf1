"""Validation of one elder's data, shared by the form, the API and the Excel import.

Pure: it takes plain values and an ``AreaIndex`` built once, and returns cleaned values and
per-field messages. Database-wide rules (one active record per ID) are checked by callers in
bulk, so a 50,000-row import does not run 50,000 queries.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.areas.models import Area, AreaLevel
from anlao.core.scoping import area_in_scope
from anlao.people.idnumbers import InvalidIdNumber, age_on, parse_resident_id
from anlao.people.models import CATEGORY_FIELDS, LivingSituation, Sex

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
SEX_WORDS = {"m": "M", "f": "F", "男": "M", "女": "F", "male": "M", "female": "F"}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "x"}


@dataclass
class AreaIndex:
    """Current areas by code and name, and which of them the actor may act in."""

    by_key: dict[str, Area] = field(default_factory=dict)
    actor: Any = None

    @classmethod
    def build(cls, actor: Any) -> AreaIndex:
        index = cls(actor=actor)
        for area in Area.objects.current().filter(
            level__in=[AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT,
                       AreaLevel.CITY, AreaLevel.PROVINCE]
        ):
            index.by_key[area.code] = area
            index.by_key.setdefault(area.name, area)
        return index

    def resolve(self, value: Any) -> Area | None:
        if isinstance(value, Area):
            return value
        if value in (None, ""):
            return None
        return self.by_key.get(str(value).strip())


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE_WORDS


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        raise


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def clean_elder(
    data: dict[str, Any], *, index: AreaIndex, today: dt.date | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return (cleaned values, errors by field). Nothing is written."""
    today = today or timezone.localdate()
    errors = _Errors()
    out: dict[str, Any] = {}
    _clean_name(data, out, errors)
    _clean_identity(data, out, errors, today)
    _clean_phone(data, out, errors)
    _clean_areas(data, out, errors, index)
    _clean_flags(data, out, errors)
    out["address"] = str(data.get("address") or "").strip()[:200]
    out["note"] = str(data.get("note") or "").strip()
    _clean_coordinates(data, out, errors)
    return out, dict(errors)


COORD_LIMITS = {"lat": 90.0, "lng": 180.0}


def _clean_coordinates(data: dict, out: dict, errors: _Errors) -> None:
    for coord, limit in COORD_LIMITS.items():
        value = data.get(coord)
        if value in (None, ""):
            out[coord] = None
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.add(coord, _("Must be a number."))
            continue
        # float() also accepts "nan" and "inf", which no map can place.
        if not math.isfinite(number) or abs(number) > limit:
            errors.add(coord, _("Must be a number between -%(limit)s and %(limit)s.")
                       % {"limit": int(limit)})
            continue
        out[coord] = number


def _clean_name(data: dict, out: dict, errors: _Errors) -> None:
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", _("Name is required."))
    elif len(name) > 32:
        errors.add("name", _("Name is too long (at most 32 characters)."))
    out["name"] = name


def _clean_identity(data: dict, out: dict, errors: _Errors, today: dt.date) -> None:
    try:
        rid = parse_resident_id(str(data.get("id_number") or ""), today=today)
    except InvalidIdNumber as exc:
        errors.add("id_number", str(exc))
        return
    out.update(id_number=rid.number, birth_date=rid.birth_date, sex=rid.sex)
    try:
        typed_birth = parse_date(data.get("birth_date"))
    except (ValueError, TypeError):
        errors.add("birth_date", _("Not a valid date (use YYYY-MM-DD)."))
        typed_birth = None
    if typed_birth and typed_birth != rid.birth_date:
        errors.add("birth_date", _("Birth date does not match the ID number (%(date)s).")
                   % {"date": rid.birth_date.isoformat()})
    raw_sex = str(data.get("sex") or "").strip()
    typed_sex = SEX_WORDS.get(raw_sex.lower())
    if raw_sex and typed_sex is None:
        errors.add("sex", _("Sex must be 男/女 (M/F)."))
    elif typed_sex and typed_sex != rid.sex:
        errors.add("sex", _("Sex does not match the ID number (%(sex)s).")
                   % {"sex": Sex(rid.sex).label})
    min_age = settings.ELDER_MIN_AGE
    if age_on(rid.birth_date, today) < min_age:
        errors.add("id_number", _("The person is under %(age)s; the registry holds elders only.")
                   % {"age": min_age})


def _clean_phone(data: dict, out: dict, errors: _Errors) -> None:
    phone = re.sub(r"[\s()]", "", str(data.get("phone") or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors.add("phone", _("Phone must be an 11-digit mobile or a landline like 0571-88001234."))
    out["phone"] = phone


def _clean_areas(data: dict, out: dict, errors: _Errors, index: AreaIndex) -> None:
    residence = index.resolve(data.get("residence_area"))
    if data.get("residence_area") in (None, ""):
        errors.add("residence_area", _("Residence community is required."))
    elif residence is None or residence.level != AreaLevel.COMMUNITY:
        errors.add("residence_area", _("Unknown community: %(value)s")
                   % {"value": data.get("residence_area")})
    elif not area_in_scope(index.actor, residence):
        errors.add("residence_area", _("This community is outside your jurisdiction."))
    out["residence_area"] = residence
    hukou_raw = data.get("hukou_area")
    hukou = index.resolve(hukou_raw)
    if hukou_raw not in (None, "") and hukou is None:
        errors.add("hukou_area", _("Unknown area: %(value)s") % {"value": hukou_raw})
    out["hukou_area"] = hukou if hukou is not None else residence


def _clean_flags(data: dict, out: dict, errors: _Errors) -> None:
    situation = str(data.get("living_situation") or LivingSituation.WITH_FAMILY).strip()
    by_label = {str(c.label): c.value for c in LivingSituation}
    by_label.update({"独居": "lives_alone", "空巢": "empty_nest", "孤寡": "no_family",
                     "与家人同住": "with_family"})
    situation = by_label.get(situation, situation)
    if situation not in LivingSituation.values:
        errors.add("living_situation", _("Unknown living situation."))
    out["living_situation"] = situation
    for name in CATEGORY_FIELDS:
        out[name] = parse_bool(data.get(name))
    grade = data.get("disability_grade")
    if grade in (None, "", 0, "0"):
        out["disability_grade"] = None
    else:
        try:
            out["disability_grade"] = int(grade)
            if not 1 <= out["disability_grade"] <= 4:
                raise ValueError
        except (TypeError, ValueError):
            errors.add("disability_grade", _("Disability grade must be 1–4 or empty."))
    if out["dibao"] and out["near_dibao"]:
        errors.add("near_dibao", _("An elder cannot be both dibao and near-dibao."))


def parse_resident_id_or_none(raw: str) -> str | None:
    """The normalised 18-character number, or None when it is not a valid ID number."""
    try:
        return parse_resident_id(raw).number
    except InvalidIdNumber:
        return None
