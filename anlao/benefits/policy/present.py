"""Shape programs, their versions and tiers for templates, in plain words."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from anlao.benefits.policy import labels
from anlao.benefits.policy.programs import Program, Tier, Version
from anlao.core.money import format_fen


def _range_text(dim: str, lo: int, hi: int | None) -> str:
    name = str(labels.DIMENSIONS[dim])
    if hi is None:
        return _("%(name)s %(lo)s and over") % {"name": name, "lo": lo}
    if lo == hi:
        return f"{name} {lo}"
    return _("%(name)s %(lo)s to %(hi)s") % {"name": name, "lo": lo, "hi": hi}


def tier_context(t: Tier, lang: str) -> dict[str, Any]:
    parts = [_range_text(d, lo, hi) for d, (lo, hi) in t.ranges.items()]
    if t.category:
        parts.append(t.label[lang])
    return {"code": t.code, "label": t.label[lang], "who": "; ".join(parts) or t.label[lang],
            "amount": format_fen(t.amount_fen), "amount_fen": t.amount_fen, "verify": t.verify}


def version_context(v: Version, lang: str) -> dict[str, Any]:
    return {
        "effective_from": v.effective_from, "effective_to": v.effective_to,
        "payment": labels.PAYMENT[v.payment], "tier_change": labels.TIER_CHANGE[v.tier_change],
        "death": labels.STOP_TIMING[v.stop["deceased"]],
        "moved_out": labels.STOP_TIMING[v.stop["moved_out"]],
        "checks": [{"label": c.label[lang], "text": c.text,
                    "stop_reason": labels.reason_label(c.stop_reason)} for c in v.checks],
        "tiers": [tier_context(t, lang) for t in v.tiers],
        "several_categories": len({t.category for t in v.tiers if t.category}) > 1,
        "exclusive_with": v.exclusive_with, "notes": v.notes,
        "quarterly": v.payment == "quarterly",
    }


_SEED = re.compile(r"^Seed \d+(?: \([^)]*\))?[,:]?\s*")
_ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,]+[A-Za-z]{2,}")


def officer_sources(sources: list[str]) -> list[str]:
    """The policy documents a program rests on, as an officer reads them: the developers'
    references ("Seed 003, …") and remarks after a dash ("— amounts from secondary material
    [verify]") stay in the policy file; a source still in English is not shown."""
    out = []
    for s in sources:
        text = _SEED.sub("", s).split(" — ", 1)[0].replace("[verify]", "").strip(" ,;:")
        if _ENGLISH.search(text):  # keep the document's title, drop an English gloss after it
            text = text.split(": ", 1)[0]
        if text and not _ENGLISH.search(text):
            out.append(text)
    return out


def program_context(p: Program, lang: str) -> dict[str, Any]:
    verify = any("[verify]" in t.verify for v in p.versions for t in v.tiers) or any(
        "[verify]" in str(x.get("verify", "")) for x in p.params.values())
    return {
        "code": p.code, "name": p.name[lang], "summary": p.summary[lang],
        "jurisdiction": p.jurisdiction, "sources": officer_sources(p.sources),
        "file": p.file, "digest": p.digest, "verify": verify,
        "params": [{"name": k, "label": v["label"][lang], "value": format_fen(v["value"]),
                    "verify": v["verify"]} for k, v in p.params.items()],
        "versions": [version_context(v, lang) for v in p.versions],
    }
