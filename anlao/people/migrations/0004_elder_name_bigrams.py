"""A bigram index for two-character name searches (e.g. a given name 秀英). The trigram index of
0003 cannot serve a two-character ``LIKE '%秀英%'`` (no whole trigram), so PostgreSQL scanned
every elder (515 ms at 1,000,000, bench/RESULTS.md). An immutable function lists a name's
two-character substrings; a GIN index over it answers ``anlao_bigrams(UPPER(name)) @> '{秀英}'``,
which matches exactly the names containing the two characters. PostgreSQL only."""

from django.db import migrations

CREATE = [
    "CREATE OR REPLACE FUNCTION anlao_bigrams(t text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') "
    "FROM generate_series(1, length(t) - 1) AS i $$",
    "CREATE INDEX IF NOT EXISTS elder_name_bigrams ON people_elder "
    "USING gin (anlao_bigrams(UPPER(name)))",
]
DROP = ["DROP INDEX IF EXISTS elder_name_bigrams", "DROP FUNCTION IF EXISTS anlao_bigrams(text)"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_elder_name_trigram"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
