"""Schema juggling for bulk loads and wipes, always inside the caller's transaction.

A million-row load is fastest into a bare table: drop the secondary indexes (and, on
PostgreSQL, the foreign keys, whose per-row deferred triggers cost more than the COPY), load,
then put every one back from its own stored definition. Nothing is left dropped: if putting
back fails (a duplicate under a unique index, a dangling key), the whole transaction rolls back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Model

BULK_FROM = 20_000  # below this, plain inserts into the indexed table are as quick

# secondary indexes of a table, without those backing a constraint (primary key, unique)
PG_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = %s AND t.relnamespace = to_regnamespace(current_schema())
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""
PG_FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = to_regclass(%s) AND contype = 'f'
"""
SQLITE_INDEXES = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                  "AND tbl_name = %s AND sql IS NOT NULL")


def flush_checks() -> None:
    """PostgreSQL refuses DDL on a table with pending trigger events: run the foreign-key
    checks this transaction has deferred so far, then defer again as Django expects."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@contextlib.contextmanager
def bare_table(table: str) -> Iterator[None]:
    """Drop ``table``'s secondary indexes (and PostgreSQL foreign keys); restore on exit."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute(PG_INDEXES if pg else SQLITE_INDEXES, [table])
        indexes = cur.fetchall()
        keys = []
        if pg:
            flush_checks()
            cur.execute(PG_FOREIGN_KEYS, [table])
            keys = cur.fetchall()
        for name, _definition in keys:
            cur.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
        for name, _sql in indexes:
            cur.execute(f"DROP INDEX {_q(name)}")
    yield
    with connection.cursor() as cur:
        if pg:
            flush_checks()
            # sort in memory: a million keys spill the default 64 MB to disk
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, sql in indexes:
            cur.execute(sql)
        # one validating join per key instead of a trigger call per row
        for name, definition in keys:
            cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")


@contextlib.contextmanager
def bulk_load(model: type[Model], *, rows: int) -> Iterator[None]:
    """``bare_table`` for loads big enough to gain from it."""
    if rows < BULK_FROM:
        yield
        return
    with bare_table(model._meta.db_table):
        yield


def delete_all(tables: list[str]) -> None:
    """Empty ``tables`` (dependants first). PostgreSQL: one TRUNCATE when nothing else points
    at them, else DELETE; SQLite: DELETE from a bare table (no index upkeep per row)."""
    if connection.vendor == "postgresql":
        flush_checks()
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(f"TRUNCATE {', '.join(_q(t) for t in tables)}")
            return
        except Exception:  # a table outside the list refers to one of ours: DELETE instead
            pass
    for table in tables:
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM {_q(table)}")
            big = cur.fetchone()[0] >= BULK_FROM
        with bare_table(table) if big else contextlib.nullcontext(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {_q(table)}")
