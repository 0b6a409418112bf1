"""Fill untranslated entries of a PO catalogue from translation snippets (locale/pending/*.po).

Entries already translated in the catalogue win; fuzzy flags are dropped from filled entries.
Usage: po_fill.py CATALOGUE SNIPPET...
"""

from __future__ import annotations

import ast
import re
import sys

FIELD = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$')


def parse(text: str) -> list[dict]:
    entries = []
    for block in re.split(r"\n\s*\n", text):
        entry: dict = {"lines": block.splitlines(), "fields": {}}
        key = None
        for line in entry["lines"]:
            m = FIELD.match(line)
            if m:
                key = m.group(1)
                entry["fields"][key] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and key:
                entry["fields"][key] += ast.literal_eval(line)
        if "msgid" in entry["fields"]:
            entries.append(entry)
    return entries


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(catalogue: str, snippets: list[str]) -> None:
    known: dict[tuple, str] = {}
    for path in snippets:
        with open(path, encoding="utf-8") as fh:
            snippet = fh.read()
        for e in parse(snippet):
            f = e["fields"]
            value = f.get("msgstr") or f.get("msgstr[0]")
            if f["msgid"] and value:
                known.setdefault((f.get("msgctxt"), f["msgid"]), value)
    out = []
    with open(catalogue, encoding="utf-8") as fh:
        text = fh.read()
    for e in parse(text):
        f = e["fields"]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in e["lines"])
        translated = (f.get("msgstr") or f.get("msgstr[0]")) and not (fuzzy and f["msgid"])
        value = known.get((f.get("msgctxt"), f["msgid"]))
        if f["msgid"] and not translated and value:
            # drop the fuzzy flag and the "#|" previous-msgid lines of the guess
            keep = [ln for ln in e["lines"] if ln.startswith("#") and not ln.startswith("#|")
                    and ln.strip() != "#, fuzzy"]
            keep = [ln.replace("fuzzy, ", "").replace(", fuzzy", "") for ln in keep]
            if "msgctxt" in f:
                keep.append(f"msgctxt {quote(f['msgctxt'])}")
            keep.append(f"msgid {quote(f['msgid'])}")
            if "msgid_plural" in f:
                keep += [f"msgid_plural {quote(f['msgid_plural'])}", f"msgstr[0] {quote(value)}"]
            else:
                keep.append(f"msgstr {quote(value)}")
            out.append("\n".join(keep))
        else:
            out.append("\n".join(e["lines"]))
    with open(catalogue, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
