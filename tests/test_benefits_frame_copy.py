"""copy_out drains COPY TO STDOUT straight from libpq: same bytes, errors still raised."""

import pytest
from django.db import connection, transaction

from anlao.benefits.engine.frame import copy_out

pytestmark = pytest.mark.django_db


def _pg_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL only")


def test_it_returns_every_row_of_the_copy() -> None:
    _pg_only()
    with connection.cursor() as cursor:
        data = copy_out(cursor.cursor, "COPY (SELECT g, 'x' || g FROM generate_series(1, 3) g) "
                        "TO STDOUT WITH (FORMAT csv)", None)
        cursor.execute("SELECT 1")  # the connection is usable afterwards
        assert cursor.fetchone() == (1,)
    assert data == b"1,x1\n2,x2\n3,x3\n"


def test_it_returns_nothing_for_an_empty_result() -> None:
    _pg_only()
    with connection.cursor() as cursor:
        assert copy_out(cursor.cursor, "COPY (SELECT 1 WHERE false) TO STDOUT", None) == b""


def test_it_raises_an_error_that_happens_after_rows_were_sent() -> None:
    _pg_only()
    import psycopg
    with pytest.raises(psycopg.errors.DivisionByZero), transaction.atomic(), \
            connection.cursor() as cursor:
        copy_out(cursor.cursor, "COPY (SELECT 1 / (3 - g) FROM generate_series(1, 5) g) "
                 "TO STDOUT", None)
    with connection.cursor() as cursor:  # rolled back to the savepoint: usable again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
