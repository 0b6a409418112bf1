"""Benefits engine benchmark: N synthetic elders × 5 programs.

    .venv/bin/python bench/bench_benefits.py                 # compute only (no database)
    .venv/bin/python bench/bench_benefits.py --pg            # + end to end into PostgreSQL
    .venv/bin/python bench/bench_benefits.py --elders 300000 # smaller

Compares (1) anlao's engine, (2) a bare hand-written Polars version of the same rules,
(3) a per-record Python loop on a sample, extrapolated; with --pg, (4) a full run in a
throwaway PostgreSQL cluster (load frame, evaluate, write entitlements with COPY) against
(5) a bare COPY of the same rows. Peak memory is the process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "bench")

PROGRAMS = ["gongshu-80-89-allowance", "xian-high-age-health-subsidy",
            "beijing-high-age-allowance", "shanghai-old-age-allowance",
            "shenzhen-high-age-allowance"]
DISTRICTS = {"330105": "330000/330100/330105/", "610102": "610000/610100/610102/",
             "110105": "110000/110100/110105/", "310104": "310000/310100/310104/",
             "440304": "440000/440300/440304/"}
PERIOD = dt.date(2026, 10, 1)  # a quarter start, so the quarterly program pays


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_frame(n: int, seed: int = 7) -> pl.DataFrame:
    """Elders spread over five districts (one per program's jurisdiction), 60–105 years old."""
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1921-01-01") + rng.integers(0, 45 * 365, n).astype("timedelta64[D]")
    district = rng.integers(0, 5, n)
    paths = np.array(list(DISTRICTS.values()), dtype=object)
    status = rng.choice(["active", "deceased", "moved_out"], n, p=[0.96, 0.03, 0.01])
    sdate = np.datetime64("2025-01-01") + rng.integers(0, 650, n).astype("timedelta64[D]")
    level = rng.choice([-1, 0, 1, 2, 3, 4], n, p=[0.4, 0.35, 0.1, 0.07, 0.05, 0.03])
    frame = pl.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64), "birth_date": birth,
        "sex": rng.choice(["M", "F"], n), "stored_status": status,
        "status_date": np.where(status == "active", np.datetime64("NaT"), sdate),
        "hukou_path": "/" + pl.Series(paths[district]).cast(pl.String) + "c/",
        "residence_path": "/" + pl.Series(paths[district]).cast(pl.String) + "c/",
        "community_code": pl.Series(district).cast(pl.String), "street_code": "s",
        "living_situation": rng.choice(["lives_alone", "with_family", "empty_nest"], n),
        "extreme_poverty": rng.random(n) < 0.01, "dibao": rng.random(n) < 0.03,
        "near_dibao": rng.random(n) < 0.03, "bereaved_one_child_family": rng.random(n) < 0.01,
        "entitled_veteran": rng.random(n) < 0.01,
        "disability_grade": pl.Series(np.where(rng.random(n) < 0.05, 2, -1)),
        "ability_level": pl.Series(level),
    })
    return frame.with_columns(
        pl.col("birth_date").cast(pl.Date), pl.col("status_date").cast(pl.Date),
        disability_grade=pl.when(pl.col("disability_grade") >= 0)
        .then(pl.col("disability_grade")).cast(pl.Int32),
        ability_level=pl.when(pl.col("ability_level") >= 0).then(pl.col("ability_level"))
        .cast(pl.Int32))


def timed(label: str, fn, results: dict):
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    print(f"{label:<58} {results[label]:8.2f} s   peak {peak_mb():7.0f} MB", flush=True)
    return out


# --- (2) the same rules by hand, in bare Polars -------------------------------------------

def _age(ref: dt.date) -> pl.Expr:
    b = pl.col("birth_date")
    return (ref.year - b.dt.year().cast(pl.Int32)
            - ((b.dt.month().cast(pl.Int32) * 100 + b.dt.day().cast(pl.Int32))
               > ref.month * 100 + ref.day).cast(pl.Int32))


def _alive(month: dt.date) -> pl.Expr:
    d = pl.col("status_date")
    stop = d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32)  # month after
    here = month.year * 12 + month.month - 1
    gone = (pl.col("stored_status") != "active") & (d.is_null() | (stop <= here))
    return ~gone


def _bands(age: pl.Expr, bands: list[tuple[int, int | None, int]]) -> pl.Expr:
    out = pl.lit(0, pl.Int64)
    for lo, hi, fen in reversed(bands):
        cond = (age >= lo) if hi is None else ((age >= lo) & (age <= hi))
        out = pl.when(cond).then(fen).otherwise(out)
    return out


HAND = {
    "gongshu-80-89-allowance": ("/330105/", [(80, 89, 5000)], 1),
    "xian-high-age-health-subsidy": ("/610100/", [(70, None, 6481)], 1),
    "beijing-high-age-allowance": ("/110000/", [(80, 89, 10000), (90, 99, 50000),
                                                (100, None, 80000)], 1),
    "shanghai-old-age-allowance": ("/310000/", [(65, 69, 7500), (70, 79, 15000),
                                                (80, 89, 18000), (90, 99, 35000),
                                                (100, None, 60000)], 3),
    "shenzhen-high-age-allowance": ("/440300/", [(70, 79, 20000), (80, 89, 30000),
                                                 (90, 99, 50000), (100, None, 100000)], 1),
}


def hand_polars(frame: pl.DataFrame, code: str) -> pl.DataFrame:
    from anlao.core.periods import add_months, month_end
    area, bands, months = HAND[code]
    total = pl.lit(0, pl.Int64)
    for i in range(months):
        m = add_months(PERIOD, i)
        age = _age(month_end(add_months(m, -1)))
        ok = _alive(m) & pl.col("hukou_path").str.contains(area, literal=True)
        total = total + pl.when(ok).then(_bands(age, bands)).otherwise(0)
    return frame.select("id", amount_fen=total)


# --- (3) one record at a time, in plain Python ------------------------------------------

def python_loop(rows: list[dict], code: str) -> int:
    from anlao.core.periods import add_months, month_end
    from anlao.people.idnumbers import age_on
    area, bands, months = HAND[code]
    paid = 0
    for r in rows:
        total = 0
        for i in range(months):
            m = add_months(PERIOD, i)
            sd = r["status_date"]
            if r["stored_status"] != "active" and (
                    sd is None or sd.year * 12 + sd.month <= m.year * 12 + m.month - 1):
                continue
            if area not in r["hukou_path"]:
                continue
            age = age_on(r["birth_date"], month_end(add_months(m, -1)))
            for lo, hi, fen in bands:
                if age >= lo and (hi is None or age <= hi):
                    total += fen
                    break
        paid += total > 0
    return paid


def bench_compute(frame: pl.DataFrame, sample: int, results: dict) -> None:
    import django
    django.setup()
    from anlao.benefits.engine.evaluation import evaluate
    from anlao.benefits.policy.programs import load_programs
    programs = load_programs(ROOT / "policies")
    n = frame.height
    outs = timed(f"anlao engine, {n:,} elders x 5 programs", lambda: [
        evaluate(programs[c], frame, PERIOD, programs) for c in PROGRAMS], results)
    hand = timed(f"bare hand-written Polars, {n:,} x 5", lambda: [
        hand_polars(frame, c) for c in PROGRAMS], results)
    for code, a, b in zip(PROGRAMS, outs, hand, strict=True):
        same = a.select("id", "amount_fen").sort("id").equals(b.sort("id"))
        assert same, f"{code}: engine and baseline disagree"
        print(f"  {code}: {int((a['amount_fen'] > 0).sum()):,} paid, "
              f"{int(a['amount_fen'].sum()) / 100:,.2f} yuan — identical to the baseline")
    rows = frame.head(sample).to_dicts()
    timed(f"per-record Python loop, {sample:,} x 5 (sample)", lambda: [
        python_loop(rows, c) for c in PROGRAMS], results)
    results["python_extrapolated"] = results[f"per-record Python loop, {sample:,} x 5 (sample)"] \
        * n / sample
    print(f"{'  … extrapolated to ' + format(n, ',') + ' elders (NOT measured)':<58} "
          f"{results['python_extrapolated']:8.2f} s")


# --- (4)/(5) end to end into a throwaway PostgreSQL ----------------------------------------

def start_cluster() -> tuple[str, int, callable]:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    d = tempfile.mkdtemp(prefix="bbpg")
    port = 54391
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(d, "postgres", "postgres")
    subprocess.run([*as_pg, f"{pg_bin}/initdb", "-D", f"{d}/data", "-U", "postgres", "-A",
                    "trust", "-E", "UTF8", "--locale=C.UTF-8"], cwd=d, check=True,
                   capture_output=True)
    subprocess.run([*as_pg, f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-l", f"{d}/log", "-w", "-o",
                    f"-p {port} -k {d} -c listen_addresses='' -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off", "start"],
                   cwd=d, check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*as_pg, f"{pg_bin}/pg_ctl", "-D", f"{d}/data", "-m", "immediate", "-w",
                        "stop"], cwd=d, capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
    return d, port, stop


def _gongshu_policies() -> Path:
    """The five shipped programs with their jurisdiction moved to Gongshu (same rules)."""
    out = Path(tempfile.mkdtemp(prefix="bbpol"))
    for code in PROGRAMS:
        text = (ROOT / "policies" / f"{code}.yaml").read_text(encoding="utf-8")
        for area in ("610100", "110000", "310000", "440300"):
            text = text.replace(f'"{area}"', '"330105"').replace(f"'{area}'", "'330105'")
        (out / f"{code}.yaml").write_text(text, encoding="utf-8")
    return out


def _insert_elders(frame: pl.DataFrame, communities: list[int]) -> None:
    from django.db import connection
    rng = np.random.default_rng(3)
    now = dt.datetime.now(dt.UTC).isoformat()
    area = pl.Series(np.array(communities)[rng.integers(0, len(communities), frame.height)])
    _seq3 = (pl.int_range(pl.len()).over("birth_date") % 1000).cast(pl.String).str.zfill(3)
    rows = frame.select(
        # area + birth date + a sequence unique per birth date: consistent with the birth date
        # (the implausible-age check compares them) and unique also in the 15-digit form the
        # duplicate-ID check compares (digits 1-6, 9-17)
        name=pl.lit("老人"),
        id_number=pl.lit("330105") + pl.col("birth_date").dt.strftime("%Y%m%d")
        + _seq3 + pl.lit("X"),
        id_tail=_seq3.str.slice(1) + pl.lit("XX"),
        birth_date="birth_date", sex="sex", phone=pl.lit(""), phone_tail=pl.lit(""),
        hukou_area_id=area, residence_area_id=area, address=pl.lit(""),
        living_situation="living_situation", extreme_poverty="extreme_poverty", dibao="dibao",
        near_dibao="near_dibao", bereaved_one_child_family="bereaved_one_child_family",
        entitled_veteran="entitled_veteran", disability_grade="disability_grade",
        ability_level="ability_level", status="stored_status", status_date="status_date",
        note=pl.lit(""), created_at=pl.lit(now), updated_at=pl.lit(now))
    cols = ", ".join(rows.columns)
    with connection.cursor() as cur, cur.cursor.copy(
            f"COPY people_elder ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        for chunk in rows.iter_slices(500_000):
            copy.write(chunk.write_csv(include_header=False, quote_style="non_numeric"))


def _time_checks(skip: bool) -> list[float]:
    """Wrap checks.run_checks (another module, run with every compute) to time it apart."""
    import logging

    from anlao.benefits.checks import services as checks
    log = logging.getLogger("anlao.benefits.checks.services")  # per-rule timings, printed
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("    %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    spent = [0.0]
    real = checks.run_checks

    def run_checks(*, actor, run, paid=None):
        t0 = time.perf_counter()
        try:
            return {} if skip else real(actor=actor, run=run, paid=paid)
        finally:
            spent[0] += time.perf_counter() - t0
    checks.run_checks = run_checks
    return spent


def bench_postgres(frame: pl.DataFrame, results: dict, skip_checks: bool = False) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from anlao.accounts.models import User
    from anlao.areas.models import Area
    from anlao.areas.services import area_tree_load
    from anlao.benefits.engine.frame import shared_frames
    from anlao.benefits.runs.services import run_compute, run_create
    call_command("migrate", verbosity=0)
    checks_time = _time_checks(skip_checks)
    area_tree_load(actor=None)
    settings.BENEFITS_POLICY_DIR = _gongshu_policies()
    district = Area.objects.get(code="330105")
    officer = User.objects.create_user(username="bench", password="x" * 12,
                                       role="district_officer")
    officer.areas.set([district])
    communities = list(Area.objects.filter(level="community").values_list("id", flat=True))
    timed(f"setup: COPY {frame.height:,} elders into people_elder", lambda: _insert_elders(
        frame, communities), results)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    today = dt.date(2026, 11, 24)

    def all_runs() -> None:
        # one batch, as `anlao benefits_run --program a --program b …` does: the district's
        # registry frame is read once for the five runs (benefits.frame.shared_frames)
        with shared_frames():
            _all_runs()

    def _all_runs() -> None:
        for code in PROGRAMS:
            run = run_create(actor=officer, program=code, period=PERIOD.strftime("%Y-%m"),
                             district_code="330105", today=today)
            t0 = time.perf_counter()
            marks: dict[str, float] = {}

            def progress(step: str, done: int, total: int, marks=marks, t0=t0) -> None:
                marks.setdefault(step, time.perf_counter() - t0)
            run = run_compute(actor=officer, run_id=run.pk, progress=progress)
            total = time.perf_counter() - t0
            print(f"  {code}: {run.paid_count:,} entitlements, {total:.2f} s (load frame "
                  f"{marks.get('evaluate', 0):.1f} s, evaluate+diff to "
                  f"{marks.get('write', 0):.1f} s, write+commit to {total:.1f} s)", flush=True)
    timed(f"anlao end to end into PostgreSQL, {frame.height:,} x 5", all_runs, results)
    print(f"  of which fraud/error checks (checks.run_checks): {checks_time[0]:.2f} s"
          + (" — SKIPPED (--skip-checks)" if skip_checks else ""), flush=True)
    _bare_copy(results)
    _next_month(officer, district, today, results)


def _next_month(officer, district, today: dt.date, results: dict) -> None:
    """November for the largest monthly program, diffed against October's approved run."""
    from django.db import connection

    from anlao.accounts.models import User
    from anlao.benefits.models import BenefitRun
    from anlao.benefits.runs.services import run_approve, run_compute, run_create, run_review
    code = "xian-high-age-health-subsidy"
    october = BenefitRun.objects.get(program=code, period=PERIOD.strftime("%Y-%m"))
    boss = User.objects.create_user(username="bench2", password="x" * 12, role="city_admin")
    boss.areas.set([district])
    run_review(actor=officer, run_id=october.pk)
    run_approve(actor=boss, run_id=october.pk)
    with connection.cursor() as cur:  # 1% die in October
        cur.execute("UPDATE people_elder SET status='deceased', status_date='2026-10-15' "
                    "WHERE id % 100 = 7")
    run = run_create(actor=officer, program=code, period="2026-11", district_code="330105",
                     today=today)
    run = timed(f"  {code} 2026-11 with diff vs 2026-10 (approved)",
                lambda: run_compute(actor=officer, run_id=run.pk), results)
    print(f"  diff: {run.summary['diff']}")


def _bare_copy(results: dict) -> None:
    import io

    from django.db import connection, transaction
    buf = io.BytesIO()
    with connection.cursor() as cur:
        with cur.cursor.copy("COPY (SELECT run_id, elder_id, amount_fen, tier, reasons, "
                             "street_code, community_code FROM benefits_entitlement) "
                             "TO STDOUT") as copy:
            for block in copy:
                buf.write(block)
        cur.execute("CREATE TABLE bare_copy (LIKE benefits_entitlement INCLUDING ALL)")
        count = buf.getbuffer().nbytes

        def load() -> None:
            with cur.cursor.copy("COPY bare_copy (run_id, elder_id, amount_fen, tier, reasons, "
                                 "street_code, community_code) FROM STDIN") as copy:
                copy.write(buf.getvalue())
        timed(f"bare COPY of the same entitlement rows ({count / 1e6:.0f} MB)", load, results)
        # The real table also has the run foreign key (checked per row by PostgreSQL):
        # the same COPY into a copy that has it too, in one transaction like a run's write.
        cur.execute("DROP TABLE bare_copy")
        cur.execute("CREATE TABLE bare_copy (LIKE benefits_entitlement INCLUDING ALL)")
        cur.execute("ALTER TABLE bare_copy ADD FOREIGN KEY (run_id) REFERENCES "
                    "benefits_benefitrun (id) DEFERRABLE INITIALLY DEFERRED")

        def load_fk() -> None:
            with transaction.atomic():
                load()
        timed("bare COPY of the same rows, table with the run FK too", load_fk, results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=3_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--skip-checks", action="store_true",
                        help="stub out the fraud/error checks run with every compute")
    args = parser.parse_args()
    stop = None
    if args.pg:
        d, port, stop = start_cluster()
        os.environ["DATABASE_URL"] = f"postgresql://postgres@{d.replace('/', '%2F')}:{port}/anlao"
        subprocess.run(["runuser", "-u", "postgres", "--", "createdb", "-h", d, "-p",
                        str(port), "anlao"] if os.geteuid() == 0 else
                       ["createdb", "-h", d, "-p", str(port), "anlao"], check=True)
    try:
        print(f"{platform.node()} · {platform.processor() or platform.machine()} · "
              f"{os.cpu_count()} CPUs · Python {platform.python_version()} · "
              f"Polars {pl.__version__} · {dt.datetime.now():%Y-%m-%d %H:%M} · load "
              f"{os.getloadavg()[0]:.2f}")
        results: dict = {}
        frame = timed(f"generate {args.elders:,} synthetic elders", lambda: synthetic_frame(
            args.elders), results)
        bench_compute(frame, min(args.sample, args.elders), results)
        if args.pg:
            bench_postgres(frame, results, args.skip_checks)
        print(f"peak memory (ru_maxrss): {peak_mb():.0f} MB")
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()
