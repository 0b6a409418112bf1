"""A trigram index for the registry's name search (``name__icontains`` → ``UPPER(name) LIKE
'%…%'``), which otherwise scans every elder: 290 ms → 1 ms at 1,000,000 elders for a
three-character name (bench/RESULTS.md). PostgreSQL only; SQLite has no such index and needs
none at its scale. pg_trgm is a trusted extension: the database owner may create it."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS elder_name_trgm ON people_elder "
    "USING gin (UPPER(name) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS elder_name_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_elder_import"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
