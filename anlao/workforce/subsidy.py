"""The caregiver post subsidy for one quarter, as pure functions over plain records.

No ORM here: services feed it ``Job`` and ``Cert`` rows and store what it returns, tests feed it
hand-made rows. Every line carries its explanation (level per month, employment, continuity).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from anlao.core.periods import add_months, month_end, month_start, next_month, quarter_bounds

POLICY_FILE = Path(__file__).parent / "data" / "caregiver-post-subsidy.yaml"
LEVEL_RANK = {"level5": 1, "level4": 2, "level3": 3, "level2": 4, "level1": 5}


@dataclass(frozen=True)
class Policy:
    starts_on: dt.date
    monthly_fen: dict[str, int]
    employment_test: str
    level_change: str
    bonus_fen: int
    bonus_every_months: int
    bonus_roles: frozenset[str]
    digest: str
    source: str


@dataclass(frozen=True)
class Job:
    facility_id: int | None
    facility_name: str
    registered: bool
    role: str
    start: dt.date
    end: dt.date | None  # inclusive; None = still employed


@dataclass(frozen=True)
class Cert:
    level: str
    issued_on: dt.date


@dataclass
class Line:
    months_paid: int = 0
    post_fen: int = 0
    bonus_fen: int = 0
    facility_id: int | None = None
    months: list[dict[str, Any]] = field(default_factory=list)
    bonuses: list[dict[str, Any]] = field(default_factory=list)
    breaks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return self.post_fen + self.bonus_fen

    def explanation(self) -> dict[str, Any]:
        return {"months": self.months, "bonuses": self.bonuses, "breaks": self.breaks}


def policy_from_text(text: str) -> Policy:
    raw = yaml.safe_load(text)
    bonus = raw["bonus"]
    monthly = {k: int(v) for k, v in raw["monthly_fen"].items()}
    if set(monthly) != set(LEVEL_RANK):
        raise ValueError("monthly_fen must give an amount for each of level1..level5")
    return Policy(
        starts_on=raw["starts_on"], monthly_fen=monthly,
        employment_test=raw["employment_test"], level_change=raw["level_change"],
        bonus_fen=int(bonus["amount_fen"]), bonus_every_months=int(bonus["every_months"]),
        bonus_roles=frozenset(bonus["roles"]),
        digest=hashlib.sha256(text.encode()).hexdigest(), source=raw.get("source", ""),
    )


@lru_cache(maxsize=1)
def load_policy() -> Policy:
    return policy_from_text(POLICY_FILE.read_text(encoding="utf-8"))


def level_in_force(certs: list[Cert], month_first: dt.date, policy: Policy) -> str:
    """The highest level held; with ``month_after`` a certificate counts from the next month."""
    cutoff = month_first if policy.level_change == "month_after" else next_month(month_first)
    held = [c.level for c in certs if c.issued_on < cutoff and c.level in LEVEL_RANK]
    return max(held, key=LEVEL_RANK.__getitem__, default="")


def job_on(jobs: list[Job], day: dt.date) -> Job | None:
    """The qualifying job (frontline care in a registered facility) held on ``day``."""
    for j in jobs:
        if (j.start <= day and (j.end is None or j.end >= day) and j.facility_id
                and j.registered and j.role == "frontline_care"):
            return j
    return None


def _month(certs: list[Cert], jobs: list[Job], first: dt.date, policy: Policy) -> dict:
    last = month_end(first)
    level = level_in_force(certs, first, policy)
    job = job_on(jobs, last) if first >= month_start(policy.starts_on) else None
    fen = policy.monthly_fen[level] if (job and level) else 0
    if first < month_start(policy.starts_on):
        why = "before_policy"
    elif not job:
        why = "not_employed_frontline"
    elif not level:
        why = "no_skill_level"
    else:
        why = "paid"
    return {"month": f"{first:%Y-%m}", "level": level, "employed": bool(job),
            "facility": job.facility_name if job else "",
            "facility_id": job.facility_id if job else None, "fen": fen, "why": why}


def stints(jobs: list[Job], policy: Policy) -> tuple[list[dict], list[dict]]:
    """Continuous spells in one facility in care or management work, and the breaks between.

    Consecutive rows at the same facility with no gap (next start ≤ previous end + 1 day) are
    one spell; a gap or a move to another facility ends it and is reported as a break.
    """
    rows = sorted((j for j in jobs if j.facility_id and j.role in policy.bonus_roles),
                  key=lambda j: j.start)
    spells: list[dict] = []
    breaks: list[dict] = []
    for j in rows:
        cur = spells[-1] if spells else None
        if cur and cur["facility_id"] == j.facility_id and cur["end"] is not None \
                and j.start <= cur["end"] + dt.timedelta(days=1):
            cur["end"] = None if j.end is None else max(j.end, cur["end"])
            continue
        if cur and cur["end"] is not None:
            reason = "gap" if cur["facility_id"] == j.facility_id else "job_change"
            breaks.append({"facility": cur["facility"], "ended": cur["end"].isoformat(),
                           "next_start": j.start.isoformat(), "reason": reason})
        spells.append({"facility_id": j.facility_id, "facility": j.facility_name,
                       "registered": j.registered, "start": j.start, "end": j.end})
    return spells, breaks


def _bonuses(spells: list[dict], q_first: dt.date, q_last: dt.date, policy: Policy) -> list:
    """A bonus for each full ``every_months`` of a spell completed inside the quarter."""
    out = []
    for s in spells:
        if not s["registered"]:
            continue
        counted_from = max(s["start"], policy.starts_on)
        k = 1
        while True:
            # 36 full months from 2023-01-01 are complete at the end of 2025-12-31.
            done = add_months(counted_from, k * policy.bonus_every_months) - dt.timedelta(days=1)
            if done > q_last or (s["end"] is not None and done > s["end"]):
                break
            if done >= q_first:
                out.append({"facility": s["facility"], "facility_id": s["facility_id"],
                            "counted_from": counted_from.isoformat(),
                            "completed_on": done.isoformat(),
                            "years": k * policy.bonus_every_months // 12,
                            "fen": policy.bonus_fen})
            k += 1
    return out


def compute_line(certs: list[Cert], jobs: list[Job], year: int, quarter: int,
                 policy: Policy | None = None) -> Line:
    """One caregiver's claim for one quarter, with its explanation."""
    policy = policy or load_policy()
    q_first, q_last = quarter_bounds(year, quarter)
    line = Line()
    for i in range(3):
        m = _month(certs, jobs, add_months(q_first, i), policy)
        line.months.append(m)
        line.facility_id = m["facility_id"] or line.facility_id
        if m["fen"]:
            line.months_paid += 1
            line.post_fen += m["fen"]
    spells, line.breaks = stints(jobs, policy)
    line.breaks = [b for b in line.breaks if b["ended"] <= q_last.isoformat()]
    line.bonuses = _bonuses(spells, q_first, q_last, policy)
    line.bonus_fen = sum(b["fen"] for b in line.bonuses)
    if line.facility_id is None and line.bonuses:
        line.facility_id = line.bonuses[-1]["facility_id"]
    return line
