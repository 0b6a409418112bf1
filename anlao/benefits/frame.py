"""Load the elders of an area as one Polars frame — one SQL query, never one per elder.

On PostgreSQL the query is streamed out with ``COPY (…) TO STDOUT`` as CSV and parsed by
Polars (no Python tuple per row); on SQLite the rows come from one cursor.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from anlao.areas.models import Area
from anlao.benefits.models import LifeVerification
from anlao.people.models import CATEGORY_FIELDS, Elder
from anlao.people.selectors import elders_visible

# Frame column → ORM lookup, in query order.
COLUMNS: dict[str, str] = {
    "id": "id",
    "birth_date": "birth_date",
    "sex": "sex",
    "stored_status": "status",
    "status_date": "status_date",
    "hukou_path": "hukou_area__path",
    "residence_path": "residence_area__path",
    "community_code": "residence_area__code",
    "street_code": "residence_area__parent__code",
    "living_situation": "living_situation",
    **{name: name for name in CATEGORY_FIELDS},
    "disability_grade": "disability_grade",
    "ability_level": "ability_level",
    "last_verified": "last_verified",  # annotated in load_frame
}
SCHEMA: dict[str, Any] = {
    "id": pl.Int64, "birth_date": pl.Date, "sex": pl.String, "stored_status": pl.String,
    "status_date": pl.Date, "hukou_path": pl.String, "residence_path": pl.String,
    "community_code": pl.String, "street_code": pl.String, "living_situation": pl.String,
    **{name: pl.Boolean for name in CATEGORY_FIELDS},
    "disability_grade": pl.Int32, "ability_level": pl.Int32, "last_verified": pl.Date,
}


def elders_in_area(actor: Any, area: Area) -> QuerySet[Elder]:
    """The actor's visible elders living under ``area`` (scoping stays in people.selectors)."""
    return elders_visible(actor).filter(
        residence_area__in=Area.objects.under(area.path).values("id"))


def load_frame(qs: QuerySet[Elder]) -> pl.DataFrame:
    """The registry columns the engine needs, for every elder of ``qs``, in one query."""
    # The latest life verification as a correlated subquery: still one query for the frame.
    latest = LifeVerification.objects.filter(elder=OuterRef("pk")).order_by("-verified_on")
    qs = qs.annotate(last_verified=Subquery(latest.values("verified_on")[:1]))
    return normalise(read_query(qs.order_by().values_list(*COLUMNS.values()), SCHEMA))


def read_query(qs: QuerySet, schema: dict[str, Any]) -> pl.DataFrame:
    """A ``values_list`` queryset as a frame with ``schema``'s column names, in one query.

    Dates and booleans arrive as text (COPY csv, SQLite) or 0/1: ``normalise`` casts them.
    """
    sql, params = qs.query.sql_with_params()
    raw = {name: pl.String if t in (pl.Date, pl.Boolean) else t for name, t in schema.items()}
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if not rows:
                return pl.DataFrame(schema=raw)
            return pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
        buf = io.BytesIO()
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                buf.write(block)
    if not buf.getbuffer().nbytes:
        return pl.DataFrame(schema=raw)
    buf.seek(0)
    return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema_overrides=raw,
                       infer_schema=False)


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast to ``SCHEMA``; paths get a leading '/' so ``under`` matches whole codes only."""
    casts = []
    for name, dtype in SCHEMA.items():
        col = pl.col(name)
        if dtype == pl.Boolean and frame.schema[name] == pl.String:
            col = col.is_in(["1", "t", "true", "True"])
        elif dtype == pl.Date and frame.schema[name] == pl.String:
            col = col.str.to_date("%Y-%m-%d", strict=False)
        casts.append(col.cast(dtype).alias(name))
    frame = frame.select(casts)
    return frame.with_columns(
        hukou_path=pl.lit("/") + pl.col("hukou_path"),
        residence_path=pl.lit("/") + pl.col("residence_path"),
    )
