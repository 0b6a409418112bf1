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
  T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
  for f in locale/pending/*.po; do
    # make each snippet a valid catalogue with a UTF-8 header before merging
    { printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'; grep -v '^#, fuzzy' "$f"; } > "$T/$(basename "$f")"
  done
  msgcat --use-first -o "$T/pending.po" "$T"/*.po
  # translations already in the catalogue win over pending ones; pending fill the gaps
  msgmerge -q --no-fuzzy-matching -C "$T/pending.po" -o "$T/merged.po" "$PO" "$PO"
  cp "$T/merged.po" "$PO"
fi
$BIN/anlao compilemessages -l zh_Hans -v0
untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
echo "zh_Hans: $untranslated untranslated strings (minus the header)"
