"""Demo generator benchmark: ``anlao seed`` with 1,000,000 elders on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_seed.py                      # both databases, 1,000,000
    .venv/bin/python bench/bench_seed.py --elders 200000 --db sqlite
    .venv/bin/python bench/bench_seed.py --write-results      # update bench/RESULTS.md

Each database is fresh and migrated (a temp SQLite file; a throwaway PostgreSQL cluster started
like scripts/test.sh). Measured: the whole ``anlao seed --no-extra-steps`` process, wall clock
(Django start-up, areas, organisations, logins, generation, writing, indexing, commit).
Baseline in the same run: Django ``bulk_create(batch_size=2000)`` on a 50,000-elder sample and
``Model.save()`` on 2,000, each extrapolated linearly to N and labelled so (not measured at N).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.pgcluster import cluster, createdb, machine, write_section  # noqa: E402

HEADING = "## Demo generator (`anlao seed`)"
BIN = ROOT / ".venv" / "bin"


def _env(database_url: str | None, sqlite_path: str | None) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if sqlite_path:
        env["SQLITE_PATH"] = sqlite_path
    return env


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([BIN / "anlao", "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)


def timed_seed(env: dict[str, str], n: int) -> tuple[float, str]:
    _migrate(env)
    t0 = time.perf_counter()
    out = subprocess.run([BIN / "anlao", "seed", "--elders", str(n), "--seed", "1",
                          "--no-extra-steps"], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return time.perf_counter() - t0, out


def baseline(env: dict[str, str], sample: int, saves: int) -> dict[str, float]:
    _migrate(env)
    out = subprocess.run([BIN / "python", __file__, "--child-baseline", str(sample), str(saves)],
                         env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def child_baseline(sample: int, saves: int) -> None:
    """Inside a migrated database: the ORM ways of writing the same elders."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from anlao.demo.population import draw_population
    from anlao.demo.services import communities, demo_seed, wipe
    from anlao.people.models import Elder

    demo_seed(elders=0)  # areas, organisations, logins
    rows = draw_population(n=sample, seed=11, communities=communities(),
                           today=dt.date.today()).elders.rows(named=True)
    objs = [Elder(**r) for r in rows]
    t0 = time.perf_counter()
    with transaction.atomic():
        Elder.objects.bulk_create(objs, batch_size=2000)
    bulk = time.perf_counter() - t0
    with transaction.atomic():
        wipe(Elder)
    t0 = time.perf_counter()
    for r in rows[:saves]:
        Elder(**r).save()  # autocommit, history row: what a form or per-row import does
    save = time.perf_counter() - t0
    print(json.dumps({"bulk_create": bulk, "save": save}))


def run_database(label: str, env_for, n: int, sample: int, saves: int) -> list[tuple]:
    print(f"== {label}: anlao seed --elders {n:,}", flush=True)
    seconds, out = timed_seed(env_for("run"), n)
    print(out.rstrip(), f"\n   {seconds:.1f} s wall clock", flush=True)
    base = baseline(env_for("base"), sample, saves)
    print(f"   bulk_create {sample:,}: {base['bulk_create']:.1f} s; "
          f"save() {saves:,}: {base['save']:.1f} s", flush=True)
    return [
        (label, "`anlao seed` (whole command)", n, seconds, "measured"),
        (label, f"Django `bulk_create(batch_size=2000)`, {sample:,} elders",
         n, base["bulk_create"] * n / sample, f"extrapolated ×{n / sample:g}"),
        (label, f"Django `Model.save()` per elder, {saves:,} elders",
         n, base["save"] * n / saves, f"extrapolated ×{n / saves:g}"),
    ]


def report(rows: list[tuple], started: str, finished: str) -> str:
    lines = [HEADING, "", f"`.venv/bin/python bench/bench_seed.py` — {started}; "
             f"finished with load average {finished}.", "",
             "| database | method | elders | seconds | elders / s | how |",
             "|---|---|---:|---:|---:|---|"]
    for db, method, n, seconds, how in rows:
        lines.append(f"| {db} | {method} | {n:,} | {seconds:,.1f} | {n / seconds:,.0f} | {how} |")
    lines += ["", "`anlao seed` is the whole process: Django start-up, areas, organisations, "
              "logins, generating the elders, writing them plus their contacts (~43 % as many "
              "rows) and service links, rebuilding indexes, commit; other apps' demo steps are "
              "off (`--no-extra-steps`). The baselines time only the ORM writing elders (no "
              "contacts, no generation); the extrapolated rows are a linear estimate from the "
              "sample, not a run at that size. The machine is shared with other work: see the "
              "load average."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    parser.add_argument("--saves", type=int, default=2_000)
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--child-baseline", nargs=2, type=int)
    args = parser.parse_args()
    if args.child_baseline:
        child_baseline(*args.child_baseline)
        return
    started, rows = machine(), []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="anlaoseed.") as d:
            rows += run_database("SQLite", lambda name: _env(None, f"{d}/{name}.sqlite3"),
                                 args.elders, args.sample, args.saves)
    if args.db in ("pg", "both"):
        with cluster() as url:
            rows += run_database("PostgreSQL 15", lambda name: _env(createdb(url, name), None),
                                 args.elders, args.sample, args.saves)
    text = report(rows, started, f"{os.getloadavg()[0]:.1f}")
    print(text)
    if args.write_results:
        write_section(str(ROOT / "bench" / "RESULTS.md"), HEADING, text)


if __name__ == "__main__":
    main()
