"""The assessment instrument, read from its versioned data file (not written in code).

``load()`` returns the GB/T 42195-2022 instrument: 26 items in four dimensions, each item with
its options (score, Chinese wording, English label), the level bands, the C.4 level-change rules
and the care-risk event types. Everything else (scoring, forms, the PDF, the demo) reads it from
here, so a corrected wording or a new version is a data change.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "gbt42195_2022.json"


@dataclass(frozen=True)
class Option:
    score: int
    zh: str
    en: str


@dataclass(frozen=True)
class Item:
    code: str  # "B.1.1"
    dimension: str  # "B.1"
    zh: str
    en: str
    options: tuple[Option, ...]  # highest score first
    verify: bool  # wording paraphrased; check against the published standard

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def scores(self) -> frozenset[int]:
        return frozenset(o.score for o in self.options)


@dataclass(frozen=True)
class Dimension:
    code: str  # "B.1"
    key: str  # "self_care", a stable name for columns and the API
    zh: str
    en: str
    max_score: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class LevelBand:
    level: int
    zh: str
    en: str
    min_total: int
    max_total: int


@dataclass(frozen=True)
class Labelled:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    dimensions: tuple[Dimension, ...]
    levels: tuple[LevelBand, ...]
    level_changes: tuple[Labelled, ...]
    risk_events: tuple[Labelled, ...]

    @functools.cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for d in self.dimensions for i in d.items)

    @functools.cached_property
    def item_map(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)

    @property
    def max_total(self) -> int:
        return sum(d.max_score for d in self.dimensions)

    @property
    def risk_event_codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.risk_events)

    def level_band(self, level: int) -> LevelBand:
        return next(b for b in self.levels if b.level == level)


def _item(raw: dict[str, Any], dimension: str, scales: dict[str, list[dict]]) -> Item:
    options = raw.get("options") or scales[raw["scale"]]
    return Item(
        code=raw["code"], dimension=dimension, zh=raw["zh"], en=raw["en"],
        options=tuple(Option(o["score"], o["zh"], o["en"])
                      for o in sorted(options, key=lambda o: -o["score"])),
        verify=bool(raw.get("verify", False)),
    )


def parse(data: dict[str, Any]) -> Instrument:
    """Build and check an instrument from the file's JSON; raise ValueError if inconsistent."""
    scales = data.get("scales", {})
    dims = tuple(
        Dimension(code=d["code"], key=d["key"], zh=d["zh"], en=d["en"], max_score=d["max"],
                  items=tuple(_item(i, d["code"], scales) for i in d["items"]))
        for d in data["dimensions"]
    )
    for d in dims:
        if sum(i.max_score for i in d.items) != d.max_score:
            raise ValueError(f"{d.code}: item maxima do not add up to {d.max_score}")
    inst = Instrument(
        code=data["code"], version=data["version"], dimensions=dims,
        levels=tuple(LevelBand(lv["level"], lv["zh"], lv["en"], lv["min"], lv["max"])
                     for lv in data["levels"]),
        level_changes=tuple(Labelled(c["rule"], c["zh"], c["en"])
                            for c in data["level_changes"]),
        risk_events=tuple(Labelled(e["code"], e["zh"], e["en"]) for e in data["risk_events"]),
    )
    covered = sorted(t for b in inst.levels for t in range(b.min_total, b.max_total + 1))
    if covered != list(range(inst.max_total + 1)):
        raise ValueError("level bands must cover every total exactly once")
    return inst


@functools.cache
def load(path: str | None = None) -> Instrument:
    """The instrument in ``path`` (default: the shipped GB/T 42195-2022 file), cached."""
    with open(path or DEFAULT_FILE, encoding="utf-8") as fh:
        return parse(json.load(fh))


def as_dict(inst: Instrument | None = None) -> dict[str, Any]:
    """The instrument as plain data for the API and for pages (``json_script``)."""
    inst = inst or load()
    return {
        "code": inst.code, "version": inst.version, "max_total": inst.max_total,
        "dimensions": [
            {"code": d.code, "key": d.key, "zh": d.zh, "en": d.en, "max": d.max_score,
             "items": [{"code": i.code, "zh": i.zh, "en": i.en, "max": i.max_score,
                        "verify": i.verify,
                        "options": [{"score": o.score, "zh": o.zh, "en": o.en}
                                    for o in i.options]} for i in d.items]}
            for d in inst.dimensions
        ],
        "levels": [{"level": b.level, "zh": b.zh, "en": b.en, "min": b.min_total,
                    "max": b.max_total} for b in inst.levels],
        "level_changes": [{"rule": c.code, "zh": c.zh, "en": c.en} for c in inst.level_changes],
        "risk_events": [{"code": e.code, "zh": e.zh, "en": e.en} for e in inst.risk_events],
    }
