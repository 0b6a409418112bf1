"""Assessment statistics (selectors), counted by the database, scoped to the actor.

- ``level_counts``: active elders by current ability level, per street or per community.
- ``assessments_per_agency_month``: final assessments per agency and month of assessment.
- ``assessed_share`` is folded into ``level_counts`` (``assessed`` / ``elders``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from anlao.assessments.models import Assessment
from anlao.assessments.schedules import active_elders_in_scope
from anlao.assessments.selectors import final_assessments

LEVELS = (0, 1, 2, 3, 4)


def level_counts(actor: Any, *, by: Literal["street", "community"] = "street",
                 area_code: str = "") -> list[dict[str, Any]]:
    """One row per street (or community) with elders in scope:
    ``{"code", "name", "elders", "assessed", "share", "levels": {0: n, …, 4: n}}``, where
    ``assessed`` counts elders with a current final assessment and ``share`` is assessed /
    elders (0–1, rounded to 4 places)."""
    prefix = "residence_area__parent__" if by == "street" else "residence_area__"
    current = Assessment.objects.filter(elder=OuterRef("pk"), is_current=True)
    qs = (active_elders_in_scope(actor, area_code).annotate(assessed_flag=Exists(current))
          .values(f"{prefix}code", f"{prefix}name")
          .annotate(elders=Count("pk"), assessed=Count("pk", filter=Q(assessed_flag=True)),
                    **{f"l{n}": Count("pk", filter=Q(ability_level=n)) for n in LEVELS})
          .order_by(f"{prefix}code"))
    return [
        {"code": r[f"{prefix}code"], "name": r[f"{prefix}name"], "elders": r["elders"],
         "assessed": r["assessed"],
         "share": round(r["assessed"] / r["elders"], 4) if r["elders"] else 0.0,
         "levels": {n: r[f"l{n}"] for n in LEVELS}}
        for r in qs
    ]


def assessments_per_agency_month(actor: Any, *, since: dt.date | None = None
                                 ) -> list[dict[str, Any]]:
    """``{"agency_id", "agency", "month" (first day), "count"}`` of final assessments, by the
    month they were carried out, oldest month first."""
    qs = final_assessments(actor=actor)
    if since is not None:
        qs = qs.filter(assessed_on__gte=since)
    rows = (qs.annotate(month=TruncMonth("assessed_on"))
            .values("agency_id", "agency__name", "month")
            .annotate(count=Count("pk")).order_by("month", "agency__name"))
    return [{"agency_id": r["agency_id"], "agency": r["agency__name"],
             "month": r["month"], "count": r["count"]} for r in rows]
