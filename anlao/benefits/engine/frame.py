"""Load the elders of an area as one Polars frame — a fixed few queries, never one per elder.

The elder rows come from one query on the elder table alone; on PostgreSQL it is streamed
out with ``COPY (…) TO STDOUT`` as CSV and parsed by Polars (no Python tuple per row), on
SQLite the rows come from one cursor. Area paths/codes and the latest life verification are
fetched separately and attached in Polars: joining them in SQL (three area joins and a
correlated subquery per elder) cost most of the load time at 3M elders (bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import polars as pl
import psycopg
from django.db import connection
from django.db.models import Max, QuerySet
from psycopg import pq

from anlao.areas.models import Area
from anlao.benefits.models import LifeVerification
from anlao.core.scoping import within_area
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
# What the elder query itself selects: area ids instead of joined area columns.
AREA_DERIVED = ("hukou_path", "residence_path", "community_code", "street_code")
ELDER_COLUMNS: dict[str, str] = {
    **{k: v for k, v in COLUMNS.items() if k not in AREA_DERIVED and k != "last_verified"},
    "hukou_area_id": "hukou_area_id", "residence_area_id": "residence_area_id",
}
ELDER_SCHEMA: dict[str, Any] = {
    **{k: SCHEMA[k] for k in ELDER_COLUMNS if k in SCHEMA},
    "hukou_area_id": pl.Int64, "residence_area_id": pl.Int64,
}
ID_CHUNK = 5_000  # area ids per IN (…) query: under SQLite's bound-parameter limit


def elders_in_area(actor: Any, area: Area) -> QuerySet[Elder]:
    """The actor's visible elders living under ``area`` (scoping stays in people.selectors)."""
    return within_area(elders_visible(actor=actor), "residence_area", area)


# A batch of runs for one district and month (``shared_frames``) reads the registry once: the
# frame is immutable, and one snapshot for all programs keeps their exclusivity rules consistent.
_SHARED: ContextVar[dict[tuple[int, int], pl.DataFrame] | None] = ContextVar(
    "anlao_shared_frames", default=None)


@contextlib.contextmanager
def shared_frames() -> Iterator[None]:
    """Within the block, ``scoped_frame`` loads each (actor, area) frame once."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def scoped_frame(actor: Any, area: Area) -> pl.DataFrame:
    """The frame of the actor's elders under ``area``; shared inside ``shared_frames``."""
    cache = _SHARED.get()
    key = (getattr(actor, "pk", 0) or 0, area.pk)
    if cache is not None and key in cache:
        return cache[key]
    frame = load_frame(elders_in_area(actor, area))
    if cache is not None:
        cache[key] = frame
    return frame


def load_frame(qs: QuerySet[Elder]) -> pl.DataFrame:
    """The registry columns the engine needs, for every elder of ``qs``, in three queries."""
    qs = qs.order_by()
    elders = read_query(qs.values_list(*ELDER_COLUMNS.values()), ELDER_SCHEMA)
    areas = _areas(elders)
    hukou = areas.rename(lambda c: f"h_{c}")
    residence = areas.rename(lambda c: f"r_{c}")
    frame = (elders
             .join(hukou, left_on="hukou_area_id", right_on="h_id", how="left",
                   maintain_order="left")
             .join(residence, left_on="residence_area_id", right_on="r_id", how="left",
                   maintain_order="left")
             .join(_last_verified(qs), on="id", how="left", maintain_order="left")
             .rename({"h_path": "hukou_path", "r_path": "residence_path",
                      "r_code": "community_code", "r_parent_code": "street_code"}))
    return normalise(frame.select(list(COLUMNS)))


def _areas(elders: pl.DataFrame) -> pl.DataFrame:
    """id, path, code and parent's code of every area the elders live in or are registered in."""
    ids = (pl.concat([elders[c].cast(pl.Int64) for c in ("hukou_area_id", "residence_area_id")])
           .drop_nulls().unique().sort().to_list())
    rows: list[tuple] = []
    for i in range(0, len(ids), ID_CHUNK):
        rows += Area.objects.filter(id__in=ids[i:i + ID_CHUNK]).values_list(
            "id", "path", "code", "parent__code")
    return pl.DataFrame(rows, schema={"id": pl.Int64, "path": pl.String, "code": pl.String,
                                      "parent_code": pl.String}, orient="row")


def _last_verified(qs: QuerySet[Elder]) -> pl.DataFrame:
    """Each elder's latest life verification day (max = the newest ``verified_on``)."""
    latest = (LifeVerification.objects.filter(elder__in=qs.values("pk")).order_by()
              .values("elder_id").annotate(day=Max("verified_on")).values_list("elder_id", "day"))
    frame = read_query(latest, {"id": pl.Int64, "last_verified": pl.Date})
    return frame.with_columns(pl.col("last_verified").cast(pl.String))


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
            frame = pl.DataFrame(rows, schema=list(schema), orient="row",
                                 infer_schema_length=None)
            # a column that is null in every row arrives untyped: give it the schema's type
            return frame.with_columns(pl.col(c).cast(raw[c]) for c in frame.columns
                                      if frame[c].dtype == pl.Null)
        data = copy_out(cursor.cursor, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params)
    if not data:
        return pl.DataFrame(schema=raw)
    return pl.read_csv(data, has_header=False, new_columns=list(schema), schema_overrides=raw,
                       infer_schema=False)


def copy_out(cursor: Any, statement: str, params: Any) -> bytes:
    """All the bytes of a ``COPY … TO STDOUT``, drained straight from libpq.

    The server sends one message per row, and psycopg's ``for block in copy`` runs several
    Python calls per message (in cProfile they were most of a 500k-row load); a blocking
    ``get_copy_data`` loop makes one. psycopg still starts the statement and its ``with``
    block finishes it; a server error mid-stream is raised from the final result.
    """
    buf = io.BytesIO()
    with cursor.copy(statement, params) as copy:
        first = copy.read()  # psycopg waits for the first row (or the end)
        if not first:
            return b""
        buf.write(first)
        pgconn = cursor.connection.pgconn
        while (got := pgconn.get_copy_data(0))[0] > 0:
            buf.write(got[1])
        # libpq has reported the end: collect every final result (so the connection is
        # idle again) before raising the first error, as psycopg would have.
        copy._finished = True
        results = []
        while (res := pgconn.get_result()) is not None:
            results.append(res)
        for res in results:
            if res.status != pq.ExecStatus.COMMAND_OK:
                raise psycopg.errors.error_from_result(res, encoding=pgconn._encoding)
    return buf.getvalue()


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
