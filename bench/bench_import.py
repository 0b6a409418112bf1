"""Registry import benchmark: a 50,000-row workbook, validated then committed.

    .venv/bin/python bench/bench_import.py              # SQLite and a throwaway PostgreSQL
    .venv/bin/python bench/bench_import.py --db sqlite  # SQLite only
    .venv/bin/python bench/bench_import.py --rows 10000 --write-results

Each database runs in a child process on a fresh, migrated database (a temp SQLite file, or a
PostgreSQL cluster in a temp dir started like scripts/test.sh). Measured: reading the sheet
alone; upload → review (read + validate every row + store the batch); commit (re-check,
bulk insert with history rows, audit). Baseline in the same run: ``elder_create`` called once
per row for a 1,000-row sample, extrapolated linearly to the full size (labelled as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASELINE_SAMPLE = 1000
SECTION = "## Registry import (50,000 rows)"


def make_rows(n: int, offset: int = 0) -> list[list]:
    """Valid, distinct elders born 1926–1965 in Gongshu's real communities."""
    from stdnum.cn import ric

    from anlao.areas.models import Area, AreaLevel

    codes = list(Area.objects.filter(level=AreaLevel.COMMUNITY, code__startswith="330105")
                 .values_list("code", flat=True))
    rows = []
    for i in range(offset, offset + n):
        birth = dt.date(1926, 1, 1) + dt.timedelta(days=(i * 7) % (40 * 365))
        seq = (i // (40 * 365 // 7 + 1)) % 999 + 1
        n17 = f"330105{birth:%Y%m%d}{seq:03d}"
        number = n17 + ric.calc_check_digit(n17 + "0")
        situation = ["独居", "空巢", "孤寡", "与家人同住"][i % 4]
        rows.append([f"测试{i}", number, birth.isoformat(), "男" if seq % 2 else "女",
                     f"139{i:08d}", codes[i % len(codes)], "", f"幸福小区{i % 90}幢{i % 30}01室",
                     situation, "否", "是" if i % 9 == 0 else "否", "否", "否", "否", "", ""])
    return rows


def workbook(rows: list[list]) -> io.BytesIO:
    from openpyxl import Workbook

    from anlao.people.imports import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("老年人名册")
    sheet.append([c.zh for c in COLUMNS])
    sheet.append([c.en for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def child(rows: int) -> dict:
    """Runs inside the child process, on the database its environment names."""
    import django

    django.setup()
    from django.core.management import call_command

    from anlao.accounts.models import User
    from anlao.areas.models import Area
    from anlao.areas.services import area_tree_load
    from anlao.core.roles import Role
    from anlao.people import imports
    from anlao.people.models import Elder
    from anlao.people.services import elder_create

    call_command("migrate", verbosity=0)
    area_tree_load(actor=None)
    actor = User.objects.create_user(username="bench", password="x",
                                     role=Role.DISTRICT_OFFICER)
    actor.areas.set([Area.objects.get(code="330105")])
    data = make_rows(rows)
    upload = workbook(data)
    size_mb = len(upload.getvalue()) / 1e6
    out = {"rows": rows, "file_mb": round(size_mb, 1)}

    with timed(out, "read"):
        imports.read_sheet(io.BytesIO(upload.getvalue()))
    with timed(out, "validate"):
        batch = imports.elder_import_validate(actor=actor, upload=upload,
                                              file_name="bench.xlsx")
    assert batch.valid_rows == rows, (batch.valid_rows, batch.error_preview[:3])
    with timed(out, "commit"):
        batch = imports.elder_import_commit(actor=actor, batch_id=batch.pk)
    assert batch.imported_rows == rows and Elder.objects.count() == rows
    assert Elder.history.count() == rows

    keys = [c.field for c in imports.COLUMNS]
    sample = [dict(zip(keys, r, strict=True)) for r in make_rows(BASELINE_SAMPLE, offset=rows)]
    with timed(out, "baseline_sample"):
        for row in sample:
            elder_create(actor=actor, data=row)
    out["load"] = os.getloadavg()[0]
    return out


@contextmanager
def timed(out: dict, name: str) -> Iterator[None]:
    """Wall time, and this process's CPU time (the database server's is not in it)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    out[f"{name}_s"] = time.perf_counter() - wall
    out[f"{name}_cpu"] = time.process_time() - cpu


def run_child(rows: int, env: dict) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", "--rows", str(rows)],
                            env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"benchmark child failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def base_env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
           "SECRET_KEY": "bench", "IMPORT_MAX_ROWS": "200000", "LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    return env


def on_sqlite(rows: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        return run_child(rows, {**base_env(), "SQLITE_PATH": f"{d}/bench.sqlite3"})


def on_postgres(rows: int) -> dict:
    """A throwaway cluster in a temp dir, as scripts/test.sh starts it."""
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    d = tempfile.mkdtemp(prefix="anlaobi.", dir="/tmp")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if os.getuid() == 0:
        subprocess.run(["chown", "postgres:postgres", d], check=True)
    run = lambda *a: subprocess.run([*as_pg, *a], cwd=d, check=True,  # noqa: E731
                                    capture_output=True)
    run(f"{pg_bin}/initdb", "-D", f"{d}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    port = "54337"
    run(f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-l", f"{d}/log", "-w", "-o",
        f"-p {port} -k {d} -c listen_addresses='' -c fsync=off", "start")
    try:
        run(f"{pg_bin}/createdb", "-h", d, "-p", port, "-U", "postgres", "anlao")
        host = urllib.parse.quote(d, safe="")
        env = {**base_env(), "DATABASE_URL": f"postgresql://postgres@{host}:{port}/anlao"}
        return run_child(rows, env)
    finally:
        run(f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-m", "immediate", "-w", "stop")
        subprocess.run(["rm", "-rf", d], check=False)


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}; "
            f"{dt.date.today().isoformat()}")


def table(results: dict[str, dict]) -> str:
    rows = next(iter(results.values()))["rows"]
    lines = [
        SECTION, "",
        f"`.venv/bin/python bench/bench_import.py` — {machine()}.",
        f"{rows:,} valid rows (Gongshu 330105… IDs and community codes), "
        f"{next(iter(results.values()))['file_mb']} MB .xlsx; actor: a district officer. "
        "Fresh migrated database per backend; PostgreSQL is a throwaway local cluster with "
        "fsync off.", "",
        "| backend | read sheet only | upload → review (read + validate + store) | commit "
        "(re-check + bulk insert + history + audit) | **total** | baseline: `elder_create` "
        f"per row, {BASELINE_SAMPLE:,}-row sample ×{rows // BASELINE_SAMPLE} (extrapolated) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        total, cpu = r["validate_s"] + r["commit_s"], r["validate_cpu"] + r["commit_cpu"]
        base = r["baseline_sample_s"] * rows / BASELINE_SAMPLE
        lines.append(f"| {name} | {r['read_s']:.1f} s | {r['validate_s']:.1f} s "
                     f"(CPU {r['validate_cpu']:.1f} s) | {r['commit_s']:.1f} s "
                     f"(CPU {r['commit_cpu']:.1f} s) | **{total:.1f} s** (CPU {cpu:.1f} s) | "
                     f"{base:.0f} s ({r['baseline_sample_s']:.1f} s measured) |")
    loads = ", ".join(f"{n} {r['load']:.1f}" for n, r in results.items())
    lines += ["", f"Wall times; CPU is the Django process's own (not the database server's). "
              f"1-minute load average at the end of each run: {loads} — other work on the "
              "machine inflates wall times, CPU times much less."]
    lines += ["", "Target: under 60 s for validate + commit. History rows are written with "
              "simple-history's `bulk_create_with_history` (one history row per elder, in the "
              "same transaction).", ""]
    return "\n".join(lines)


def write_results(text: str) -> None:
    """Replace only this benchmark's section of bench/RESULTS.md; others' stay as they are."""
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    if SECTION in old:
        head, rest = old.split(SECTION, 1)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1:] if nxt >= 0 else ""
        new = head + text + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows)))
        return
    results = {}
    if args.db in ("sqlite", "both"):
        results["SQLite"] = on_sqlite(args.rows)
    if args.db in ("pg", "both"):
        results["PostgreSQL"] = on_postgres(args.rows)
    text = table(results)
    print(text)
    if args.write_results:
        write_results(text)


if __name__ == "__main__":
    main()
