#!/usr/bin/env bash
# make bench: run every bench/bench_*.py and keep bench/RESULTS.md up to date.
# A script that understands --write-results replaces its own "## …" section; the output of
# one that does not is kept verbatim under "## <script name>". A failed script leaves its
# previous section as it was. Only some: make bench BENCH_ONLY="seed registry"
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG=1 SECRET_KEY=bench-only-not-secret PYTHONDONTWRITEBYTECODE=1
RESULTS=bench/RESULTS.md
ONLY=" ${BENCH_ONLY:-} "
failed=0

[ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)/initdb" ] || {
  echo "PostgreSQL is needed for the benchmarks: apt-get install -y postgresql"; exit 1; }

for script in bench/bench_*.py; do
  name=$(basename "$script" .py)
  if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" ${name#bench_} "* ]]; then continue; fi
  echo "== $script"
  if grep -q -- "--write-results" "$script"; then
    $BIN/python "$script" --write-results || { failed=1; echo "== $script FAILED"; }
  else
    out=$(mktemp)
    if $BIN/python "$script" | tee "$out"; then
      $BIN/python - "$RESULTS" "$name" "$out" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, ".")
from bench.pgcluster import machine, write_section

path, name, out = sys.argv[1:]
body = Path(out).read_text(encoding="utf-8").rstrip()
write_section(path, f"## {name}", f"## {name}\n\n`.venv/bin/python bench/{name}.py` — "
              f"{machine()}.\n\n```\n{body}\n```\n")
PY
    else
      failed=1; echo "== $script FAILED"
    fi
    rm -f "$out"
  fi
done

# the header: what this file is and the machine of the latest run
$BIN/python - "$RESULTS" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, ".")
from bench.pgcluster import machine

path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8") if path.exists() else ""
body = text[text.find("\n## ") + 1:] if "\n## " in text else ""
head = ("# Benchmark results\n\nMeasured with `make bench` (scripts/bench.sh runs every "
        "bench/bench_*.py). Each section names its own machine, date and load; latest run: "
        f"{machine()}. Only figures actually run are shown; extrapolations say so.\n\n")
path.write_text(head + body, encoding="utf-8")
PY

[ $failed = 0 ] || { echo "== make bench: some benchmarks FAILED"; exit 1; }
echo "== make bench: done, see $RESULTS"
