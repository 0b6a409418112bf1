"""Demo assessments for the seeded city, written in bulk (``anlao seed`` calls ``seed``).

Every elder the population generator gave an ability level gets a final assessment whose
answers score to exactly that level (checked with ``scoring.score_frame``, the code the app
uses), dated over the last 18 months so about a third are overdue. A few carry a dementia
diagnosis or two care-risk events (their scores then sit one band lower: C.4 raises them back),
a few level-4 elders are in a coma. Some elders have a draft in progress and an open request;
some have a reported change of condition. No per-row services: a million elders stays bulk.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import numpy as np
import polars as pl
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.assessments.conf import level_rules
from anlao.assessments.instrument import load
from anlao.assessments.models import Assessment, AssessmentRequest
from anlao.assessments.scoring import Conditions, apply_level_changes, score_frame
from anlao.core.roles import Role
from anlao.people.models import Elder

ASSESSORS = [("assessor", "评估员 张敏"), ("assessor_2", "评估员 陈立"),
             ("assessor_3", "评估员 周婷"), ("assessor_4", "评估员 吴强")]
DEMO_PASSWORD = "anlao-demo-2026"  # the documented demo password (anlao.demo.world)
SPREAD_DAYS = 548  # 18 months
DEMENTIA = 0.05  # of levels 2–4 ASSUMPTION
RISK_TWICE = 0.03  # of levels 1–4: two events, one level up ASSUMPTION
RISK_ONCE = 0.03  # one event, no change ASSUMPTION
COMA = 0.01  # of level 4 ASSUMPTION
DRAFTS = 0.02  # of assessed elders: a reassessment draft in progress ASSUMPTION
CHANGE = 0.004  # of assessed elders: an open change-of-condition request ASSUMPTION
NEW_REQUESTS = 0.01  # of never-assessed active elders: a first-assessment request ASSUMPTION


def seed(seed: int, stdout: Any) -> None:
    agency = Organisation.objects.filter(type=OrganisationType.ASSESSMENT_AGENCY).order_by(
        "pk").first()
    if agency is None:
        stdout.write("  assessments: no assessment agency in the demo world; skipped")
        return
    started = time.perf_counter()
    with transaction.atomic():
        users = _assessors(agency)
        Assessment.objects.filter(source="demo").delete()
        AssessmentRequest.objects.filter(agency=agency, requested_by__isnull=True).delete()
        counts = _generate(seed, agency, users, timezone.localdate())
    stdout.write(f"  assessments: {counts['final']:,} final, {counts['draft']:,} drafts, "
                 f"{counts['requests']:,} open requests in "
                 f"{time.perf_counter() - started:.1f} s")


def _assessors(agency: Organisation) -> list[int]:
    hashed = make_password(DEMO_PASSWORD)
    ids = []
    for username, name in ASSESSORS:
        user, _created = User.objects.get_or_create(username=username)
        user.role, user.organisation, user.display_name = Role.ASSESSOR, agency, name
        user.password, user.is_active = hashed, True
        user.save()
        ids.append(user.pk)
    return ids


def answers_for_totals(rng: np.random.Generator, totals: np.ndarray) -> np.ndarray:
    """Item scores (rows × 26) summing to ``totals``: start from full marks and take points
    away at random, self-care and mobility first (weighted sampling without replacement)."""
    inst = load()
    maxima = np.array([i.max_score for i in inst.items])
    slot_item = np.repeat(np.arange(len(maxima)), maxima)  # 90 points, each owned by an item
    weight = np.array([{"B.1": 1.6, "B.2": 1.6, "B.3": 1.0, "B.4": 1.2}[i.dimension]
                       for i in inst.items])[slot_item]
    starts = np.concatenate([[0], np.cumsum(maxima)[:-1]])
    out = np.empty((len(totals), len(maxima)), dtype=np.int16)
    for lo in range(0, len(totals), 50_000):
        deficit = inst.max_total - totals[lo:lo + 50_000]
        keys = rng.random((len(deficit), slot_item.size)) ** (1.0 / weight)
        ranks = np.argsort(np.argsort(-keys, axis=1), axis=1)
        removed = (ranks < deficit[:, None]).astype(np.int16)
        out[lo:lo + 50_000] = maxima - np.add.reduceat(removed, starts, axis=1)
    return out


def plan(rng: np.random.Generator, levels: np.ndarray) -> dict[str, np.ndarray]:
    """Per elder: C.4 facts and the initial level they imply, so the final level is ``levels``."""
    n = len(levels)
    coma = (levels == 4) & (rng.random(n) < COMA)
    dementia = (levels >= 2) & ~coma & (rng.random(n) < DEMENTIA)
    twice = (levels >= 1) & ~coma & ~dementia & (rng.random(n) < RISK_TWICE)
    once = ~coma & ~twice & (rng.random(n) < RISK_ONCE)
    initial = levels - (dementia | twice)
    bands = [load().level_band(v) for v in range(5)]
    lo = np.array([b.min_total for b in bands])[initial]
    hi = np.array([b.max_total for b in bands])[initial]
    totals = np.where(coma, 0, rng.integers(lo, hi + 1))
    return {"coma": coma, "dementia": dementia, "events": np.where(twice, 2, once.astype(int)),
            "initial": initial, "totals": totals}


def _json(rows: np.ndarray, codes: tuple[str, ...]) -> list[str]:
    return [json.dumps(dict(zip(codes, map(int, r), strict=True))) for r in rows]


def _changes_json(initial: np.ndarray, coma: np.ndarray, dementia: np.ndarray,
                  events: np.ndarray) -> list[str]:
    cache: dict[tuple, str] = {}
    rules = level_rules()
    out = []
    for key in zip(initial.tolist(), coma.tolist(), dementia.tolist(), events.tolist(),
                   strict=True):
        if key not in cache:
            cond = Conditions(coma=key[1], dementia=key[2],
                              risk_events={"fall": key[3]} if key[3] else {})
            cache[key] = json.dumps([c.as_dict() for c in apply_level_changes(
                key[0], cond, rules)[1]])
        out.append(cache[key])
    return out


def _final_frame(rng, elders: pl.DataFrame, agency_id: int, users: list[int],
                 today: dt.date) -> pl.DataFrame:
    inst = load()
    levels = elders.get_column("ability_level").to_numpy().astype(np.int64)
    p = plan(rng, levels)
    answers = answers_for_totals(rng, p["totals"])
    frame = pl.DataFrame(answers, schema=list(inst.item_codes), orient="row").with_columns(
        coma=pl.Series(p["coma"]), dementia=pl.Series(p["dementia"]),
        risk_fall=pl.Series(p["events"]))
    scored = score_frame(frame, level_rules())
    if not (scored.get_column("final_level").to_numpy() == levels).all():
        raise AssertionError("demo answers do not score to the elders' levels")
    dims = [f"subtotal_{d.key}" for d in inst.dimensions]
    subtotals = scored.select(dims).to_numpy()
    n = len(levels)
    days = rng.integers(0, SPREAD_DAYS, n)
    on = np.datetime64(today, "D") - days.astype("timedelta64[D]")
    pair = np.array([rng.choice(len(users), 2, replace=False) for _ in range(min(n, 64))])
    pick = pair[rng.integers(0, len(pair), n)] if n else np.zeros((0, 2), dtype=int)
    # finalised the same day, 10:00 Beijing time
    stamp = pl.Series((on + np.timedelta64(2, "h")).astype("datetime64[us]")).dt.replace_time_zone(
        "UTC")
    return pl.DataFrame({
        "elder_id": elders.get_column("id"), "agency_id": agency_id,
        "reason": np.where(rng.random(n) < 0.6, "scheduled", "first"),
        "state": "final", "source": "demo", "instrument_version": inst.version,
        "assessed_on": pl.Series(on).cast(pl.Date),
        "assessor_1_id": np.array(users)[pick[:, 0]], "assessor_2_id": np.array(users)[pick[:, 1]],
        "answers": _json(answers, inst.item_codes),
        "coma": p["coma"], "dementia": p["dementia"], "psychiatric_disorder": False,
        "diagnosis_note": np.where(p["dementia"], "F03 未特指的痴呆", ""),
        "risk_events": [json.dumps({"fall": int(e)} if e else {}) for e in p["events"]],
        "subtotals": _json(subtotals, tuple(d.code for d in inst.dimensions)),
        "total": p["totals"], "initial_level": p["initial"],
        "level_changes": _changes_json(p["initial"], p["coma"], p["dementia"], p["events"]),
        "final_level": levels, "is_current": True, "rejection_reason": "", "note": "",
        "submitted_at": stamp, "reviewed_at": stamp, "finalised_at": stamp,
    })


def _generate(seed: int, agency: Organisation, users: list[int],
              today: dt.date) -> dict[str, int]:
    from anlao.demo import bulk

    rng = np.random.default_rng([seed, 4195])
    rows = list(Elder.objects.filter(ability_level__isnull=False).order_by("pk").values_list(
        "id", "ability_level", "status"))
    elders = pl.DataFrame(rows, schema=["id", "ability_level", "status"], orient="row")
    now = timezone.now()
    finals = _final_frame(rng, elders, agency.pk, users, today)
    bulk.insert(Assessment, bulk.complete(Assessment, finals, first_id=bulk.next_id(Assessment),
                                          now=now))
    active = elders.filter(pl.col("status") == "active").get_column("id").to_numpy()
    never = np.array(Elder.objects.filter(status="active", ability_level__isnull=True)
                     .order_by("pk").values_list("id", flat=True))
    first_request = bulk.next_id(AssessmentRequest)
    drafts, requests = _open_work(rng, active, never, agency.pk, users, today, first_request)
    bulk.insert(AssessmentRequest, bulk.complete(
        AssessmentRequest, requests, first_id=first_request, now=now))
    bulk.insert(Assessment, bulk.complete(Assessment, drafts,
                                          first_id=bulk.next_id(Assessment), now=now))
    bulk.reset_sequences(Assessment, AssessmentRequest)
    return {"final": finals.height, "draft": drafts.height, "requests": requests.height}


def _open_work(rng, assessed: np.ndarray, never: np.ndarray, agency_id: int, users: list[int],
               today: dt.date, first_request: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open requests (reassessment drafts, changes of condition, first assessments) and the
    drafts in progress for some of them, with the first few items answered."""
    inst = load()
    redo = rng.choice(assessed, min(len(assessed), round(DRAFTS * len(assessed))), replace=False)
    change = np.setdiff1d(rng.choice(assessed, round(CHANGE * len(assessed))), redo)  # unique
    first = rng.choice(never, min(len(never), round(NEW_REQUESTS * len(never))), replace=False)
    req_elders = np.concatenate([redo, change, first]).astype(np.int64)
    reasons = (["scheduled"] * len(redo) + ["change_of_condition"] * len(change)
               + ["first"] * len(first))
    ago = rng.integers(1, 40, len(req_elders)).astype("timedelta64[D]")
    requests = pl.DataFrame({
        "elder_id": req_elders, "agency_id": agency_id, "reason": reasons,
        "requested_on": pl.Series(np.datetime64(today, "D") - ago).cast(pl.Date),
        "status": "open", "note": "",
    })
    # drafts for the reassessments and a third of the first assessments; requests were laid
    # out as redo, change, first, so their ids follow from the positions
    started = first[: len(first) // 3]
    in_progress = np.concatenate([redo, started]).astype(np.int64)
    request_ids = np.concatenate([np.arange(len(redo)),
                                  len(redo) + len(change) + np.arange(len(started))])
    answered = rng.integers(3, len(inst.items), len(in_progress))
    drafts = pl.DataFrame({
        "elder_id": in_progress, "agency_id": agency_id,
        "request_id": (request_ids + first_request).astype(np.int64),
        "reason": ["scheduled"] * len(redo) + ["first"] * (len(in_progress) - len(redo)),
        "state": "draft", "source": "demo", "instrument_version": inst.version,
        "assessed_on": pl.Series([today] * len(in_progress), dtype=pl.Date),
        "assessor_1_id": users[0], "assessor_2_id": users[1],
        "answers": [json.dumps({c: inst.item_map[c].max_score - (1 if j % 3 == 0 else 0)
                                for j, c in enumerate(inst.item_codes[:k])})
                    for k in answered],
        "risk_events": "{}", "subtotals": "{}", "level_changes": "[]", "is_current": False,
        "coma": False, "dementia": False, "psychiatric_disorder": False,
        "diagnosis_note": "", "rejection_reason": "", "note": "",
    })
    return drafts, requests
