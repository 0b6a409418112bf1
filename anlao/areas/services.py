"""Writes to the area tree: loading the shipped file (idempotent) and closing a version."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anlao.areas.models import LEVEL_DEPTH, Area
from anlao.areas.selectors import area_get
from anlao.core.audit import audit
from anlao.core.errors import ServiceError, ValidationFailed
from anlao.core.roles import require

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_FILE = DATA_DIR / "gongshu.csv"


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    errors = []
    codes = {r["code"] for r in rows}
    for n, r in enumerate(rows, start=2):
        if r["level"] not in LEVEL_DEPTH:
            errors.append(f"{path.name}:{n}: unknown level {r['level']!r}")
        if r["parent_code"] and r["parent_code"] not in codes:
            errors.append(f"{path.name}:{n}: parent {r['parent_code']} not in file")
        if len(r["code"]) not in (6, 12) or not r["code"].isdigit():
            errors.append(f"{path.name}:{n}: code must be 6 or 12 digits")
    if errors:
        raise ServiceError("; ".join(errors[:20]), code="bad_area_file")
    # parents before children
    return sorted(rows, key=lambda r: LEVEL_DEPTH[r["level"]])


@transaction.atomic
def area_tree_load(
    *, actor: Any, path: Path = DEFAULT_FILE, valid_from: dt.date = dt.date(2000, 1, 1)
) -> int:
    """Create or update every area in ``path``; re-running changes nothing. Returns a count."""
    by_code: dict[str, Area] = {}
    created = 0
    for r in _read_rows(path):
        parent = by_code.get(r["parent_code"]) if r["parent_code"] else None
        defaults = {
            "name": r["name"], "name_en": r.get("name_en", ""), "level": r["level"],
            "parent": parent,
            "lat": float(r["lat"]) if r.get("lat") else None,
            "lng": float(r["lng"]) if r.get("lng") else None,
        }
        area, was_created = Area.objects.update_or_create(
            code=r["code"], valid_from=valid_from, defaults=defaults
        )
        created += was_created
        by_code[r["code"]] = area
    audit(actor=actor, action="area.load", entity="areas.area", entity_id=path.name,
          after={"rows": len(by_code), "created": created})
    return len(by_code)


@transaction.atomic
def area_close(*, actor: Any, area_id: Any, valid_to: dt.date | None) -> Area:
    """End an area's version (divisions merge); its history and records stay."""
    require(actor, "area.manage")
    area = area_get(actor=actor, area_id=area_id)
    if not isinstance(valid_to, dt.date):
        raise ValidationFailed({"valid_to": [_("Enter the date the area ends.")]})
    if valid_to <= area.valid_from:
        raise ValidationFailed({"valid_to": [_("The end must be after the area began.")]})
    if area.children.current(valid_to).exists():
        raise ServiceError(_("Close or move the areas under it first."),
                           code="area_has_children")
    before = {"valid_to": None}
    area.valid_to = valid_to
    area.save(update_fields=["valid_to"])
    audit(actor=actor, action="area.close", obj=area, before=before,
          after={"valid_to": valid_to.isoformat()})
    return area
