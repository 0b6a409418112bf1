"""Benefit programs as data: one YAML file per program under ``policies/``.

The file format is documented in docs/policy-format.md. Loading validates everything a run
relies on — unknown keys and fields, condition syntax, overlapping tiers, gaps in age bands —
and every error names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from anlao.benefits.policy.conditions import FIELDS, ConditionError, Node, parse
from anlao.benefits.policy.yamlmarks import PolicyError, load_with_lines, path_text
from anlao.core.errors import NotFound

PAYMENT_PERIODS = ("monthly", "quarterly")
TIER_CHANGES = ("month_after_birthday", "birthday_month")
STOP_TIMINGS = ("month_after", "same_month")
# Stop reasons seen in real systems (DOMAIN.md §6); labels live in labels.py.
STOP_REASONS = ("deceased", "hukou_moved", "ineligible", "duplicate", "policy_change",
                "not_verified", "other")
RANGE_DIMS = ("age", "ability_level", "disability_grade")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")

TOP_KEYS = {"program", "name", "summary", "jurisdiction", "sources", "notes", "params",
            "versions", "life_verification", "budget", "payout"}
# bank: paid to bank accounts; service_credit: granted as service credit (credit/services.py)
PAYOUTS = ("bank", "service_credit")
LIFE_KEYS = {"months", "grace_months", "notes"}
VERSION_KEYS = {"effective_from", "effective_to", "payment", "tier_change", "stop",
                "eligibility", "tiers", "exclusive_with", "notes"}
CHECK_KEYS = {"code", "when", "label", "stop_reason"}
TIER_KEYS = {"code", "label", "age", "ability_level", "disability_grade", "category",
             "amount_fen", "verify"}


@dataclass
class Check:
    code: str
    text: str
    node: Node
    label: dict[str, str]
    stop_reason: str


@dataclass
class Tier:
    code: str
    label: dict[str, str]
    amount_fen: int
    ranges: dict[str, tuple[int, int | None]]
    category: str | None
    node: Node | None
    line: int
    verify: str = ""


@dataclass
class LifeSchedule:
    """生存认证: verify in one of ``months``; missing it stops payment after the grace."""

    months: tuple[int, ...]
    grace_months: int = 0


@dataclass
class Version:
    effective_from: dt.date
    effective_to: dt.date | None
    payment: str
    tier_change: str
    stop: dict[str, str]
    checks: list[Check]
    tiers: list[Tier]
    exclusive_with: list[str]
    notes: str = ""
    life: LifeSchedule | None = None

    @property
    def months_per_payment(self) -> int:
        return 3 if self.payment == "quarterly" else 1


@dataclass
class Program:
    code: str
    name: dict[str, str]
    summary: dict[str, str]
    jurisdiction: str
    sources: list[str]
    notes: str
    params: dict[str, dict[str, Any]]
    versions: list[Version]
    file: str
    digest: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    # year → {"annual_fen": int, "monthly_fen": int | None}; see parse_budget below
    budget: dict[int, dict[str, int | None]] = field(default_factory=dict)
    payout: str = "bank"

    def version_on(self, day: dt.date) -> Version | None:
        found = None
        for v in self.versions:
            if v.effective_from <= day and (v.effective_to is None or day <= v.effective_to):
                found = v
        return found

    def title(self, lang: str) -> str:
        return self.name.get("zh" if lang.startswith("zh") else "en") or self.code


class _Reader:
    """Validation state for one file: raises ``PolicyError`` at the first problem."""

    def __init__(self, file: str, lines: dict[tuple, int]):
        self.file, self.lines = file, lines

    def fail(self, path: tuple, message: str) -> PolicyError:
        line = None
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                line = self.lines[path[:n]]
                break
        return PolicyError(self.file, line, path_text(path), message)

    def mapping(self, value: Any, path: tuple, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, "expected a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, key), f"unknown key {key!r} "
                                f"(allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required):
            if key not in value:
                raise self.fail(path, f"missing key {key!r}")
        return value

    def choice(self, value: Any, path: tuple, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.fail(path, f"{value!r} is not one of {', '.join(options)}")
        return value

    def text(self, value: Any, path: tuple) -> dict[str, str]:
        if isinstance(value, str):
            return {"en": value, "zh": value}
        if isinstance(value, dict) and set(value) <= {"en", "zh"} and value:
            return {"en": str(value.get("en", value.get("zh"))),
                    "zh": str(value.get("zh", value.get("en")))}
        raise self.fail(path, "expected text or {en: …, zh: …}")

    def date(self, value: Any, path: tuple) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise self.fail(path, "expected a date YYYY-MM-DD")

    def condition(self, value: Any, path: tuple) -> Node:
        try:
            return parse(value)
        except ConditionError as exc:
            raise self.fail(path, f"{exc.message} at column {exc.column} in {value!r}") from exc


def _params(r: _Reader, raw: Any, overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, spec in (raw or {}).items():
        path = ("params", name)
        spec = r.mapping(spec, path, {"default", "label", "verify", "unit"}, {"default"})
        value = overrides.get(name, spec["default"])
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise r.fail((*path, "default"), "a parameter must be a whole number ≥ 0 (fen)")
        out[name] = {"value": value, "default": spec["default"], "verify": spec.get("verify", ""),
                     "label": r.text(spec.get("label", name), (*path, "label"))}
    return out


def _checks(r: _Reader, raw: Any, path: tuple) -> list[Check]:
    if not isinstance(raw, list) or not raw:
        raise r.fail(path, "expected a list of conditions")
    checks, seen = [], set()
    for i, item in enumerate(raw):
        p = (*path, i)
        item = r.mapping(item, p, CHECK_KEYS, {"code", "when"})
        code = str(item["code"])
        if code in seen or code in ("alive", "resident"):
            raise r.fail((*p, "code"), f"duplicate or reserved code {code!r}")
        seen.add(code)
        reason = r.choice(item.get("stop_reason", "ineligible"), (*p, "stop_reason"),
                          STOP_REASONS)
        checks.append(Check(code, item["when"], r.condition(item["when"], (*p, "when")),
                            r.text(item.get("label", item["when"]), (*p, "label")), reason))
    return checks


def _range(r: _Reader, value: Any, path: tuple) -> tuple[int, int | None]:
    ok = isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
    if not ok or not (value[1] is None or isinstance(value[1], int)):
        raise r.fail(path, "expected [from, to] in whole numbers (to may be null: no limit)")
    if value[1] is not None and value[1] < value[0]:
        raise r.fail(path, f"range [{value[0]}, {value[1]}] ends before it starts")
    return value[0], value[1]


def _tier(r: _Reader, item: Any, p: tuple, params: dict) -> Tier:
    item = r.mapping(item, p, TIER_KEYS, {"code", "amount_fen"})
    amount = item["amount_fen"]
    if isinstance(amount, str) and amount.startswith("$"):
        if amount[1:] not in params:
            raise r.fail((*p, "amount_fen"), f"unknown parameter {amount!r}")
        amount = params[amount[1:]]["value"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise r.fail((*p, "amount_fen"), "amount must be whole fen ≥ 0 (100 fen = 1 yuan)")
    ranges = {d: _range(r, item[d], (*p, d)) for d in RANGE_DIMS if d in item}
    category = item.get("category")
    if category is not None and FIELDS.get(category, ("",))[0] != "bool":
        raise r.fail((*p, "category"), f"unknown category {category!r}")
    parts = [f"{d} >= {lo}" + (f" and {d} <= {hi}" if hi is not None else "")
             for d, (lo, hi) in ranges.items()]
    if category:
        parts.append(category)
    node = parse(" and ".join(parts)) if parts else None
    return Tier(str(item["code"]), r.text(item.get("label", item["code"]), (*p, "label")),
                amount, ranges, category, node, r.lines.get(p, 0), str(item.get("verify", "")))


def _boxes_overlap(a: Tier, b: Tier) -> bool:
    if a.category != b.category:
        return False  # categories may coincide in one elder; the higher amount is paid
    for d in RANGE_DIMS:
        lo_a, hi_a = a.ranges.get(d, (-(10**9), None))
        lo_b, hi_b = b.ranges.get(d, (-(10**9), None))
        if (hi_a is not None and hi_a < lo_b) or (hi_b is not None and hi_b < lo_a):
            return False
    return True


def _tiers(r: _Reader, raw: Any, path: tuple, params: dict) -> list[Tier]:
    if not isinstance(raw, list) or not raw:
        raise r.fail(path, "expected a list of tiers")
    tiers = [_tier(r, item, (*path, i), params) for i, item in enumerate(raw)]
    for i, a in enumerate(tiers):
        for j in range(i):
            if tiers[j].code == a.code:
                raise r.fail((*path, i, "code"), f"duplicate tier code {a.code!r}")
            if _boxes_overlap(tiers[j], a):
                raise r.fail((*path, i), f"tier {a.code!r} overlaps tier {tiers[j].code!r} "
                             f"(line {tiers[j].line})")
    _check_age_gaps(r, tiers, path)
    return tiers


def _check_age_gaps(r: _Reader, tiers: list[Tier], path: tuple) -> None:
    groups: dict[tuple, list[tuple[int, Tier]]] = {}
    for i, t in enumerate(tiers):
        if "age" in t.ranges:
            key = (t.category, tuple(t.ranges.get(d) for d in RANGE_DIMS[1:]))
            groups.setdefault(key, []).append((i, t))
    for members in groups.values():
        members.sort(key=lambda it: it[1].ranges["age"][0])
        for (_, prev), (i, cur) in itertools.pairwise(members):
            hi = prev.ranges["age"][1]
            if hi is not None and cur.ranges["age"][0] > hi + 1:
                raise r.fail((*path, i, "age"), f"gap in ages: tier {prev.code!r} ends at {hi}, "
                             f"tier {cur.code!r} starts at {cur.ranges['age'][0]}")


def _version(r: _Reader, raw: Any, i: int, params: dict) -> Version:
    p = ("versions", i)
    v = r.mapping(raw, p, VERSION_KEYS, {"effective_from", "eligibility", "tiers"})
    stop = r.mapping(v.get("stop", {}), (*p, "stop"), {"deceased", "moved_out"}, set())
    stop = {k: r.choice(stop.get(k, "month_after"), (*p, "stop", k), STOP_TIMINGS)
            for k in ("deceased", "moved_out")}
    excl = v.get("exclusive_with", [])
    if not isinstance(excl, list) or not all(isinstance(c, str) for c in excl):
        raise r.fail((*p, "exclusive_with"), "expected a list of program codes")
    to = v.get("effective_to")
    return Version(
        effective_from=r.date(v["effective_from"], (*p, "effective_from")),
        effective_to=r.date(to, (*p, "effective_to")) if to is not None else None,
        payment=r.choice(v.get("payment", "monthly"), (*p, "payment"), PAYMENT_PERIODS),
        tier_change=r.choice(v.get("tier_change", "month_after_birthday"),
                             (*p, "tier_change"), TIER_CHANGES),
        stop=stop,
        checks=_checks(r, v["eligibility"], (*p, "eligibility")),
        tiers=_tiers(r, v["tiers"], (*p, "tiers"), params),
        exclusive_with=excl, notes=str(v.get("notes", "")),
    )


def _life(r: _Reader, raw: Any) -> LifeSchedule | None:
    if raw is None:
        return None
    path = ("life_verification",)
    raw = r.mapping(raw, path, LIFE_KEYS, {"months"})
    months = raw["months"]
    ok = isinstance(months, list) and months and all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months)
    if not ok:
        raise r.fail((*path, "months"), "expected a list of months 1–12, e.g. [5, 11]")
    if len(set(months)) != len(months):
        raise r.fail((*path, "months"), "a month is listed twice")
    grace = raw.get("grace_months", 0)
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= 5:
        raise r.fail((*path, "grace_months"), "expected a whole number of months 0–5")
    gaps = [(b - a) % 12 or 12 for a, b in zip(sorted(months), [*sorted(months)[1:],
                                                             sorted(months)[0]], strict=True)]
    if grace >= min(gaps):
        raise r.fail((*path, "grace_months"), "the grace must end before the next due month")
    return LifeSchedule(tuple(sorted(months)), grace)


def parse_budget(r: _Reader, raw: Any) -> dict[int, dict[str, int | None]]:
    """Optional ``budget: {2026: {annual_fen: N}}`` (or ``monthly_fen``), per year."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail(("budget",), "expected a mapping year → {annual_fen: …} or {monthly_fen: …}")
    out: dict[int, dict[str, int | None]] = {}
    for year, spec in raw.items():
        path = ("budget", year)
        if not (str(year).isdigit() and 2000 <= int(year) <= 2100):
            raise r.fail(path, f"{year!r} is not a year like 2026")
        spec = r.mapping(spec, path, {"annual_fen", "monthly_fen", "notes"}, set())
        amounts = [k for k in ("annual_fen", "monthly_fen") if k in spec]
        if len(amounts) != 1:
            raise r.fail(path, "give exactly one of annual_fen or monthly_fen")
        value = spec[amounts[0]]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise r.fail((*path, amounts[0]), "a budget must be whole fen ≥ 0 (100 fen = 1 yuan)")
        monthly = value if amounts[0] == "monthly_fen" else None
        out[int(year)] = {"annual_fen": value * 12 if monthly is not None else value,
                          "monthly_fen": monthly}
    return out


def program_from_text(text: str, file: str, overrides: dict[str, Any] | None = None) -> Program:
    data, lines = load_with_lines(text, file)
    r = _Reader(file, lines)
    data = r.mapping(data, (), TOP_KEYS, {"program", "name", "jurisdiction", "versions"})
    code = str(data["program"])
    if not CODE_RE.match(code):
        raise r.fail(("program",), "use lower-case letters, digits and '-' only")
    if not str(data["jurisdiction"]).isdigit():
        raise r.fail(("jurisdiction",), "expected an area code in quotes, e.g. '330105'")
    params = _params(r, data.get("params"), overrides or {})
    if not isinstance(data["versions"], list) or not data["versions"]:
        raise r.fail(("versions",), "expected a list of versions")
    versions = [_version(r, v, i, params) for i, v in enumerate(data["versions"])]
    for i in range(1, len(versions)):
        if versions[i].effective_from <= versions[i - 1].effective_from:
            raise r.fail(("versions", i, "effective_from"), "versions must be in date order")
    life = _life(r, data.get("life_verification"))
    for v in versions:
        v.life = life
    budget = parse_budget(r, data.get("budget"))
    payout = r.choice(data.get("payout", "bank"), ("payout",), PAYOUTS)
    digest = hashlib.sha256(text.encode() + json.dumps(
        {k: v["value"] for k, v in params.items()}, sort_keys=True).encode()).hexdigest()
    return Program(code, r.text(data["name"], ("name",)),
                   r.text(data.get("summary", ""), ("summary",)), str(data["jurisdiction"]),
                   [str(s) for s in data.get("sources", [])], str(data.get("notes", "")),
                   params, versions, file, digest[:16], data, budget, payout)


def policy_dir() -> Path:
    return Path(settings.BENEFITS_POLICY_DIR)


_cache: dict[str, tuple[tuple, dict[str, Program]]] = {}


def load_programs(directory: Path | None = None) -> dict[str, Program]:
    """Every program in the directory, by code; reloaded when a file changes."""
    directory = directory or policy_dir()
    files = sorted(directory.glob("*.yaml"))
    overrides = settings.BENEFITS_PARAMS
    stamp = (tuple((f.name, f.stat().st_mtime_ns) for f in files), json.dumps(overrides,
                                                                              sort_keys=True))
    hit = _cache.get(str(directory))
    if hit and hit[0] == stamp:
        return hit[1]
    programs: dict[str, Program] = {}
    for f in files:
        name = f"{directory.name}/{f.name}"
        prog = program_from_text(f.read_text(encoding="utf-8"), name, overrides.get(f.stem, {}))
        if prog.code != f.stem:
            raise PolicyError(name, 1, "program", f"the file must be named {prog.code}.yaml")
        if prog.code in programs:
            raise PolicyError(name, 1, "program", f"duplicate program code {prog.code!r}")
        programs[prog.code] = prog
    for prog in programs.values():
        for v in prog.versions:
            for other in v.exclusive_with:
                if other not in programs:
                    raise PolicyError(prog.file, None, "exclusive_with",
                                      f"unknown program {other!r}")
    _cache[str(directory)] = (stamp, programs)
    return programs


def get_program(code: str) -> Program:
    """The program of that code, or NotFound (policy files are public: no actor needed)."""
    program = load_programs().get(code)
    if program is None:
        raise NotFound(gettext("No such benefit program."))
    return program
