#!/usr/bin/env bash
# Refresh the Chinese catalogue: extract strings, merge the translations engineers left in
# locale/pending/*.po, compile. The compiled .mo is committed, so a fresh clone needs no gettext.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=1
BIN=.venv/bin
PO=locale/zh_Hans/LC_MESSAGES/django.po
mkdir -p locale/zh_Hans/LC_MESSAGES
$BIN/anlao makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'bench/*' -v0
if ls locale/pending/*.po >/dev/null 2>&1; then
  # translations already in the catalogue win; the pending snippets fill the gaps and replace
  # makemessages' "fuzzy" guesses, which are often wrong ("Compliance" → 取消)
  $BIN/python scripts/po_fill.py "$PO" locale/pending/*.po
fi
$BIN/anlao compilemessages -l zh_Hans -v0
untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
# fuzzy guesses are not compiled: they show as English, so count them as missing too
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ' || true)
echo "zh_Hans: $untranslated untranslated and $fuzzy fuzzy strings (each minus the header)"
