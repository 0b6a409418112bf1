#!/usr/bin/env bash
# make demo: migrate a SQLite database, generate the demo city, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
BIN=.venv/bin
ELDERS="${DEMO_ELDERS:-60000}"
$BIN/anlao migrate --noinput -v0
$BIN/anlao seed --elders "$ELDERS" --seed "${DEMO_SEED:-1}" --if-empty
echo
$BIN/anlao demo_logins
echo
# the background worker runs queued tasks (e.g. a benefit run started from its page)
$BIN/anlao worker >worker.log 2>&1 &
WORKER=$!
# periodic jobs (nightly compliance, lapsed offers, alarm sweeps) without cron
$BIN/anlao periodic --loop >periodic.log 2>&1 &
PERIODIC=$!
trap 'kill $WORKER $PERIODIC 2>/dev/null' EXIT
echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop; logs: worker.log, periodic.log)"
$BIN/anlao runserver 127.0.0.1:8000 --insecure
