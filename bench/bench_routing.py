"""Home-care routing benchmark: a generated 500-visit day (anlao ``solve`` against raw VROOM)
and Solomon VRPTW instances through the dispatch core (gap to best known).

    .venv/bin/python bench/bench_routing.py                  # print the tables
    .venv/bin/python bench/bench_routing.py --write-results  # and replace our RESULTS.md section
    .venv/bin/python bench/bench_routing.py --quick          # levels 0 and 2 only

No database. Runs single-threaded unless a row says otherwise; the machine is shared, so each row
carries the 1-minute load average at its start. See docs/routing.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from routing_homecare import _anlao, generate
from routing_homecare import run as run_homecare
from routing_solomon import best_known, names, run_one

from bench.pgcluster import machine, write_section

ROOT = Path(__file__).resolve().parent.parent

HEADING = "## Home-care routing"


def homecare(levels: list[int]) -> str:
    rows = run_homecare(levels, modes=("repair",))
    rows.append(_anlao(generate(), 2, 1, "costs"))  # the rejected preference method, measured
    print(rows[-1], flush=True)
    out = ["| solver | level | served / 500 | travel h | preferred caregiver kept | wall s | CPU s "
           "| load |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        kept, total = r["kept"]
        out.append(f"| {r['solver']} | {r['level']} | {r['served']} | {r['travel_s'] / 3600:.1f} "
                   f"| {kept} / {total} ({100 * kept / max(total, 1):.0f}%) "
                   f"| {r['ms'] / 1000:.1f} | {r['cpu_ms'] / 1000:.1f} | {r['load']} |")
    return "\n".join(out)


def solomon(levels: list[int]) -> str:
    import os

    configs = [("vroom", level, threads, "file") for level in levels for threads in (1, 2)]
    configs += [("vroom", level, 1, "bks") for level in levels if level >= 2]
    configs += [("pyvrp", 2, 1, "file"), ("pyvrp", 4, 1, "file"), ("pyvrp", 4, 1, "bks")]
    out = ["| instance | backend | fleet | level | threads | served | vehicles (BKS) | cost | BKS "
           "| gap | wall s | CPU s | load |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names():
        for backend, level, threads, fleet in configs:
            load = round(os.getloadavg()[0], 1)
            r = run_one(name, level, threads, backend, fleet)
            print(r, flush=True)
            out.append(f"| {name} | {backend} | {'25' if fleet == 'file' else 'BKS'} | {level} "
                       f"| {threads} | {r['served']} | {r['vehicles']} ({r['bks_vehicles']}) "
                       f"| {r['cost']:.2f} | {r['bks']:.2f} | {r['gap_pct']:+.2f}% "
                       f"| {r['seconds']:.2f} | {r['cpu']:.2f} | {load} |")
    assert set(best_known()) >= set(names())
    return "\n".join(out)


INTRO = """\
`.venv/bin/python bench/bench_routing.py` — {machine}. Single process, no database; `s` is wall
time of the whole call (matrix, checks, solver, preference pass) and CPU s the process's CPU
time for it (less sensitive to other work on the machine: every solver row here is one thread,
except VROOM rows with threads 2); `load` is the 1-minute load average when that row started.
Method and discussion: docs/routing.md.

### A generated home-care day

500 visits, 40 caregivers in Gongshu's bounding box (30.28–30.36 N, 120.10–120.18 E; elders
clustered around 25 points), seed 5 (`bench/routing_homecare.py`). Skills general 60% / bathing
20% / nursing 20%; windows morning, afternoon or a 2-hour slot; shifts 08–17 (24), 07:30–15:30
(6), 08–13 (5), 13–18 (5); visits 30–120 min (mean 51); travel straight line × 1.3 at 15 km/h.
70% of visits name the caregiver the elder had before. The day is over-full (~425 h of visits for
~320 h of shifts), so served visits is the figure that matters. *Raw VROOM* is pyvroom called
directly on the same matrix, skills, windows and shifts; *anlao solve (repair)* is production
`solve` (pre-checks, VROOM, preference repair pass); *(costs)* is the per-caregiver cost-matrix
method for preferences that was measured and not adopted.

{homecare}

### Solomon VRPTW (100 customers)

`bench/routing_solomon.py`: an `Instance` with a precomputed duration matrix (Euclidean × 1000,
rounded), capacity as `Job.demand`/`Vehicle.capacity`, then `solve`; cost = Euclidean route
lengths recomputed from the returned routes, unrounded. BKS.json's best known solutions minimise
**vehicles first**, then distance; VROOM minimises travel only, so with the file's 25 vehicles it
may use more vehicles than the BKS and come out *below* it (negative gap). Rows with fleet "BKS"
limit the fleet to the BKS vehicle count (served < 100 = could not fit everyone). PyVRP runs for
a fixed 0.5 + 0.5 × level seconds (level 2 → 1.5 s, level 4 → 2.5 s); "threads" applies to VROOM.

{solomon}
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--quick", action="store_true")
    a = parser.parse_args()
    levels = [0, 2] if a.quick else [0, 2, 5]
    started = machine()
    text = INTRO.format(machine=started, homecare=homecare(levels), solomon=solomon(levels))
    text = f"{HEADING}\n\n{text}\nFinished: {machine()}.\n"
    print(text)
    if a.write_results:
        write_section(str(ROOT / "bench" / "RESULTS.md"), HEADING, text)


if __name__ == "__main__":
    main()
