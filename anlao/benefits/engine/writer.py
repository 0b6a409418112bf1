"""Bulk writes of a run's rows: PostgreSQL COPY, batched executemany on SQLite.

Called inside the compute transaction: the old rows are deleted and the new ones inserted
together, so a failure anywhere rolls back to the previous result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import connection

from anlao.benefits.models import BenefitRun, Entitlement, RunChange

BATCH_ROWS = 100_000
ENTITLEMENT_COLUMNS = {"elder_id": "id", "amount_fen": "amount_fen", "tier": "tier",
                       "reasons": "reasons", "street_code": "street_code",
                       "community_code": "community_code"}
CHANGE_COLUMNS = {"elder_id": "id", "kind": "kind", "reason": "reason", "old_fen": "old_fen",
                  "new_fen": "new_fen", "old_tier": "old_tier", "new_tier": "new_tier"}


def replace_rows(run: BenefitRun, paid: pl.DataFrame, changes: pl.DataFrame,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
    """Replace the run's entitlements and changes exactly. Must run inside a transaction."""
    assert connection.in_atomic_block, "replace_rows needs the caller's transaction"
    Entitlement.objects.filter(run=run).delete()
    RunChange.objects.filter(run=run).delete()
    _insert(Entitlement._meta.db_table, run.pk, ENTITLEMENT_COLUMNS, paid, "write", progress)
    _insert(RunChange._meta.db_table, run.pk, CHANGE_COLUMNS, changes, "changes", progress)


def _prepare(frame: pl.DataFrame, run_id: int, columns: dict[str, str]) -> pl.DataFrame:
    exprs = [pl.lit(run_id, dtype=pl.Int64).alias("run_id")]
    for target, source in columns.items():
        col = pl.col(source)
        if frame.schema[source] == pl.String:
            col = col.fill_null("")
        exprs.append(col.alias(target))
    # In elder order: the (run, elder) and elder indexes then grow at their right edge
    # instead of taking random page splits (rows are the same, only their order changes).
    return frame.select(exprs).sort("elder_id")


def _insert(table: str, run_id: int, columns: dict[str, str], frame: pl.DataFrame, step: str,
            progress: Callable[[str, int, int], None] | None) -> None:
    rows = _prepare(frame, run_id, columns)
    names = rows.columns
    done = 0
    with connection.cursor() as cursor:
        for chunk in rows.iter_slices(BATCH_ROWS):
            write_chunk(cursor, table, names, chunk)
            done += chunk.height
            if progress:
                progress(step, done, rows.height)


def write_chunk(cursor: Any, table: str, names: list[str], chunk: pl.DataFrame) -> None:
    cols = ", ".join(names)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            # quoted strings keep "" distinct from NULL in COPY csv
            copy.write(chunk.write_csv(include_header=False, quote_style="non_numeric"))
    else:
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", chunk.rows())
