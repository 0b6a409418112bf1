"""Bulk writing of Polars frames into model tables: executemany on SQLite, COPY on PostgreSQL.

This bypasses ``Model.save()`` and signals on purpose (a million rows in seconds), so the
frame must already hold every derived column (``Elder.id_tail``, ``phone_tail``). Columns the
frame lacks take the field's default. Rows get explicit primary keys (``first_id`` onwards),
so related rows can point at them without reading anything back; sequences are reset after.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable

import polars as pl
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

Progress = Callable[[int], None]
SQLITE_CHUNK = 50_000
COPY_CHUNK = 100_000
# COPY's text format gives these characters a meaning; escape them in data
COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def complete(model: type[Model], frame: pl.DataFrame, *, first_id: int,
             now: dt.datetime) -> pl.DataFrame:
    """The frame with a primary key, timestamps and defaults, in the table's column order."""
    n = frame.height
    filled: list[pl.Series | pl.Expr] = []
    for f in model._meta.concrete_fields:
        if f.attname in frame.columns:
            filled.append(pl.col(f.attname).alias(f.column))
        elif f.primary_key:
            filled.append(pl.int_range(first_id, first_id + n, dtype=pl.Int64).alias(f.column))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            filled.append(pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias(f.column))
        elif f.has_default() or f.null or f.empty_strings_allowed:
            filled.append(pl.lit(f.get_default()).alias(f.column))
        else:
            raise ValueError(f"{model.__name__}.{f.name}: no value and no default")
    return frame.select(filled)


def insert(model: type[Model], frame: pl.DataFrame, *, progress: Progress | None = None) -> None:
    """Write ``frame`` (from ``complete``) into the model's table, in the current transaction."""
    if frame.height == 0:
        return
    if connection.vendor == "postgresql":
        _copy(model._meta.db_table, frame, progress)
    else:
        _executemany(model._meta.db_table, frame, progress)


def reset_sequences(*models: type[Model]) -> None:
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cur.execute(sql)


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django's SQLite backend stores them: ISO text dates, 0/1 booleans."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            col = col.cast(pl.Int8)
        elif dtype == pl.Date:
            col = col.cast(pl.String)
        elif isinstance(dtype, pl.Datetime):
            # naive UTC text, like DatabaseOperations.adapt_datetimefield_value
            col = col.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
        elif dtype == pl.Null:
            col = col.cast(pl.String)
        out.append(col)
    return frame.select(out)


def _executemany(table: str, frame: pl.DataFrame, progress: Progress | None) -> None:
    frame = _sqlite_values(frame)
    q = connection.ops.quote_name
    sql = (f"INSERT INTO {q(table)} ({', '.join(q(c) for c in frame.columns)}) "
           f"VALUES ({', '.join('?' * frame.width)})")
    raw = connection.connection.cursor()  # the sqlite3 cursor: no per-row Django wrapping
    rows = zip(*(frame.get_column(c).to_list() for c in frame.columns), strict=True)
    done = 0
    while chunk := list(itertools.islice(rows, SQLITE_CHUNK)):
        raw.executemany(sql, chunk)
        done += len(chunk)
        if progress:
            progress(done)


def _copy_text(frame: pl.DataFrame) -> pl.DataFrame:
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.String:
            for old, new in COPY_ESCAPES:
                col = col.str.replace_all(old, new, literal=True)
        out.append(col)
    return frame.select(out)


def _copy(table: str, frame: pl.DataFrame, progress: Progress | None) -> None:
    frame = _copy_text(frame)
    q = connection.ops.quote_name
    sql = f"COPY {q(table)} ({', '.join(q(c) for c in frame.columns)}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for start in range(0, frame.height, COPY_CHUNK):
            buf = io.BytesIO()
            frame.slice(start, COPY_CHUNK).write_csv(
                buf, separator="\t", include_header=False, null_value="\\N",
                quote_style="never", datetime_format="%Y-%m-%d %H:%M:%S.%6f%z",
            )
            copy.write(buf.getvalue())
            if progress:
                progress(min(start + COPY_CHUNK, frame.height))
