#!/usr/bin/env bash
# make test: install what the suite needs, then run it on SQLite and on a throwaway
# PostgreSQL cluster (started in a temp dir, stopped on exit even on failure).
# Extra pytest arguments: make test PYTEST_ARGS="-k elder"
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"

need_apt=()
[ -x "$PG_BIN/initdb" ] || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
# WeasyPrint (PDF reports) needs Pango at run time
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0" >/dev/null || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing ${need_apt[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null \
      || { echo "apt-get install failed"; exit 1; }
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  else
    echo "Missing system packages: ${need_apt[*]}."
    echo "Run as root, or: sudo apt-get install -y ${need_apt[*]}"
    exit 1
  fi
fi

export DEBUG=1 SECRET_KEY=test-only-not-secret FAST_PASSWORD_HASHER=1
export DJANGO_ALLOW_ASYNC_UNSAFE=true PYTHONDONTWRITEBYTECODE=1
# shellcheck disable=SC2206
EXTRA=(${PYTEST_ARGS:-})
ran_tests=0
failed=0

run_suite() {  # $1 = label; runs pytest, records whether tests ran and whether any failed
  local label=$1 rc
  echo "== tests on $label"
  $BIN/pytest -p no:cacheprovider "${EXTRA[@]}"
  rc=$?
  case $rc in
    0) ran_tests=1 ;;
    5) echo "== $label: no tests selected" ;;
    *) failed=1; ran_tests=1; echo "== $label: FAILED (pytest exit $rc)" ;;
  esac
}

$BIN/ruff check . || failed=1

unset DATABASE_URL
run_suite SQLite

# --- throwaway PostgreSQL cluster --------------------------------------------------------
D=$(mktemp -d /tmp/anlaopg.XXXX)
PORT=54329
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$D/data" -m immediate -w stop >/dev/null 2>&1; rm -rf "$D"; }
trap stop_pg EXIT
[ "$(id -u)" = 0 ] && chown postgres:postgres "$D"
( cd "$D" && as_pg "$PG_BIN/initdb" -D "$D/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null ) \
  || { echo "initdb failed"; exit 1; }
( cd "$D" && as_pg "$PG_BIN/pg_ctl" -D "$D/data" -l "$D/log" -w \
    -o "-p $PORT -k $D -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ) \
  || { echo "PostgreSQL did not start:"; cat "$D/log"; exit 1; }
HOST_ENC=$($BIN/python -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$D")
export DATABASE_URL="postgresql://postgres@$HOST_ENC:$PORT/anlao"
run_suite PostgreSQL

if [ $ran_tests = 0 ]; then echo "== no test ran at all: failing"; exit 1; fi
if [ $failed = 1 ]; then echo "== make test: FAILED"; exit 1; fi
echo "== make test: passed on SQLite and PostgreSQL"
