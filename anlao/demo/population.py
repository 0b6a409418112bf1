"""The synthetic elder population, drawn as whole columns (numpy) into a Polars frame.

Pure: no database. The same seed, communities and reference date give the same frame.
Column names are ``Elder``'s attribute names; ``bulk.py`` writes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from anlao.demo import calibration as cal
from anlao.demo.idgen import draw_id_numbers
from anlao.demo.names import draw_mobiles, draw_names, full_names

MIN_AGE, MAX_AGE = 60, 105
ALONE_NAMES = list(cal.ALONE_SPLIT)
SITUATIONS = pl.Series([*ALONE_NAMES, "with_family"])
NO_FAMILY = ALONE_NAMES.index("no_family")
WITH_FAMILY = len(ALONE_NAMES)
STATUSES = pl.Series(["active", "deceased", "moved_out"])
ALONE_P = np.array(list(cal.ALONE_SPLIT.values()))
RELATIONS = np.array(["child", "spouse", "relative", "neighbour", "guardian"])
RELATION_P = np.array([0.60, 0.20, 0.10, 0.07, 0.03])


@dataclass(frozen=True)
class Community:
    id: int
    code: str
    name: str
    lat: float
    lng: float
    street_code: str


@dataclass
class Population:
    elders: pl.DataFrame  # one row per elder, Elder's attribute names
    contacts: pl.DataFrame  # elder_index (row in ``elders``) + Contact's attribute names
    community: np.ndarray  # community index of each elder (into the communities list)


def pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """A boolean mask of exactly ``k`` rows drawn without replacement, in proportion to
    ``weights`` (zero = never). Efraimidis–Spirakis keys: one vectorised pass, no loop."""
    mask = np.zeros(len(weights), dtype=bool)
    eligible = np.flatnonzero(weights > 0)
    k = min(k, len(eligible))
    if k <= 0:
        return mask
    keys = np.log(rng.random(len(eligible))) / weights[eligible]
    mask[eligible[np.argpartition(-keys, k - 1)[:k]]] = True
    return mask


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages 60–105; exactly the calibrated number of 80+, numbers falling with age."""
    old_n = min(n, cal.scaled(cal.AGED_80_PLUS, n))
    young = np.arange(MIN_AGE, 80)
    old = np.arange(80, MAX_AGE + 1)
    p_young = np.exp(-0.035 * (young - MIN_AGE))
    # survival falls faster past 95: about 2 in 1,000 elders of 80+ reach 100
    p_old = np.exp(-0.16 * (old - 80) - 0.4 * np.maximum(old - 95, 0))
    ages = np.concatenate([
        rng.choice(young, n - old_n, p=p_young / p_young.sum()),
        rng.choice(old, old_n, p=p_old / p_old.sum()),
    ])
    return rng.permutation(ages)


def _birth_dates(rng: np.random.Generator, ages: np.ndarray, today: dt.date) -> np.ndarray:
    """A birth date giving exactly ``age`` completed years on ``today``."""
    def latest(age: int) -> dt.date:  # the last birth date at which one is ``age`` today
        try:
            return today.replace(year=today.year - age)
        except ValueError:  # 29 February
            return today.replace(year=today.year - age, day=28)
    table = np.array([latest(a) for a in range(MIN_AGE, MAX_AGE + 1)], dtype="datetime64[D]")
    return table[ages - MIN_AGE] - rng.integers(0, 365, len(ages)).astype("timedelta64[D]")


def _ability(rng: np.random.Generator, ages: np.ndarray) -> np.ndarray:
    """Ability level 0–4, or -1 for "not assessed"; disability mostly among the oldest."""
    n = len(ages)
    level = np.full(n, -1, dtype=np.int64)
    disabled = pick(rng, np.exp(0.10 * (ages - MIN_AGE)), cal.scaled(cal.DISABLED, n))
    level[disabled] = np.where(rng.random(disabled.sum()) < cal.LEVEL_SPLIT[3], 3, 4)
    semi = pick(rng, np.where(disabled, 0.0, np.exp(0.07 * (ages - MIN_AGE))),
                cal.scaled(cal.SEMI_DISABLED, n))
    level[semi] = np.where(rng.random(semi.sum()) < cal.LEVEL_SPLIT[1], 1, 2)
    intact = (level < 0) & (rng.random(n) < cal.ASSESSED_INTACT)
    level[intact] = 0
    return level


def _living(rng: np.random.Generator, ages: np.ndarray) -> np.ndarray:
    n = len(ages)
    alone = pick(rng, 1.0 + 0.03 * (ages - MIN_AGE), cal.scaled(cal.ALONE_EMPTY_NEST_NO_FAMILY, n))
    situation = np.full(n, WITH_FAMILY, dtype=np.int64)  # indexes into SITUATIONS
    situation[alone] = rng.choice(len(ALONE_NAMES), alone.sum(), p=ALONE_P)
    return situation


def _categories(rng: np.random.Generator, ages: np.ndarray, male: np.ndarray,
                situation: np.ndarray, level: np.ndarray) -> dict[str, np.ndarray]:
    n = len(ages)
    share = {k: round(v * n) for k, v in cal.CATEGORY_SHARES.items()}
    poor = pick(rng, np.where(situation == NO_FAMILY, 8.0, 1.0), share["extreme_poverty"])
    dibao = pick(rng, np.where(poor, 0.0, np.where(situation == WITH_FAMILY, 1.0, 2.0)),
                 share["dibao"])
    near = pick(rng, np.where(poor | dibao, 0.0, 1.0), share["near_dibao"])
    # one-child policy from ~1980: parents now mostly in their 60s and 70s
    bereaved = pick(rng, np.where(ages <= 85, 1.0, 0.05), share["bereaved_one_child_family"])
    veteran = pick(rng, np.where(male, 6.0, 0.3) * (1.0 + 0.05 * (ages - MIN_AGE)),
                   share["entitled_veteran"])
    certified = pick(rng, np.where(level >= 1, 20.0, 1.0), round(cal.DISABILITY_CERTIFICATE * n))
    grades = np.array(list(cal.DISABILITY_GRADES))
    grade = np.full(n, -1, dtype=np.int64)
    grade[certified] = rng.choice(grades, certified.sum(),
                                  p=np.array(list(cal.DISABILITY_GRADES.values())))
    return {"extreme_poverty": poor, "dibao": dibao, "near_dibao": near,
            "bereaved_one_child_family": bereaved, "entitled_veteran": veteran,
            "disability_grade": grade}


def _status(rng: np.random.Generator, ages: np.ndarray, today: dt.date):
    n = len(ages)
    deceased = pick(rng, np.exp(0.08 * (ages - MIN_AGE)), round(cal.DECEASED * n))
    moved = pick(rng, np.where(deceased, 0.0, 1.0), round(cal.MOVED_OUT * n))
    status = np.where(deceased, 1, np.where(moved, 2, 0))  # indexes into STATUSES
    when = np.datetime64(today, "D") - rng.integers(1, 730, n).astype("timedelta64[D]")
    return status, np.where(status == 0, np.datetime64("NaT"), when)


def _places(rng: np.random.Generator, comm: np.ndarray, communities: list[Community]):
    """Address inside the community and a point jittered around its centre (~±500 m)."""
    n = len(comm)
    num = lambda lo, hi: pl.lit(pl.Series(rng.integers(lo, hi, n)))  # noqa: E731
    address = pl.select(pl.concat_str([
        pl.lit(pl.Series([c.name for c in communities]).gather(comm)),
        num(1, 41), pl.lit("幢"), num(1, 5), pl.lit("单元"),
        num(1, 8), pl.lit("0"), num(1, 3), pl.lit("室"),
    ])).to_series()
    lat = np.array([c.lat for c in communities])[comm]
    lng = np.array([c.lng for c in communities])[comm]
    jitter = np.clip(rng.normal(0, 0.0022, (2, n)), -0.0045, 0.0045)
    return address, np.round(lat + jitter[0], 6), np.round(lng + jitter[1], 6)


def _hukou(rng: np.random.Generator, comm_ids: np.ndarray):
    codes = np.array([int(c) for c in cal.HUKOU_CODES])
    code = codes[rng.choice(len(codes), len(comm_ids), p=np.array(list(cal.HUKOU_CODES.values())))]
    # only Gongshu's tree is loaded: a local hukou points at the community, others stay empty
    return code, np.where(code == 330105, comm_ids, -1)


def _phones(rng: np.random.Generator, ages: np.ndarray) -> pl.Series:
    blank = rng.random(len(ages)) < cal.PHONE_BLANK_AT_60 + cal.PHONE_BLANK_PER_YEAR * (
        ages - MIN_AGE)
    mobiles = draw_mobiles(rng, len(ages))
    return pl.select(pl.when(pl.lit(pl.Series(blank))).then(pl.lit(""))
                     .otherwise(pl.lit(mobiles))).to_series()


def _null(values: np.ndarray, missing) -> pl.Series:
    return pl.Series(values).set(pl.Series(values == missing), None)


def draw_population(*, n: int, seed: int, communities: list[Community],
                    today: dt.date) -> Population:
    """``n`` elders spread over ``communities`` (unevenly, as real communities are)."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(4.0, 1.0, len(communities))
    comm = np.sort(rng.choice(len(communities), n, p=weights / weights.sum()))
    comm_ids = np.array([c.id for c in communities], dtype=np.int64)[comm]
    ages = _ages(rng, n)
    male = rng.random(n) >= np.minimum(0.50 + 0.006 * (ages - MIN_AGE), 0.72)
    birth = _birth_dates(rng, ages, today)
    level = _ability(rng, ages)
    situation = _living(rng, ages)
    cats = _categories(rng, ages, male, situation, level)
    status, status_date = _status(rng, ages, today)
    hukou_code, hukou_id = _hukou(rng, comm_ids)
    id_numbers = draw_id_numbers(rng, hukou_code, birth, male)
    surname, given = draw_names(rng, male)
    phone = _phones(rng, ages)
    address, lat, lng = _places(rng, comm, communities)
    elders = pl.DataFrame({
        "name": full_names(surname, given), "id_number": id_numbers,
        "birth_date": birth, "sex": np.where(male, "M", "F"), "phone": phone,
        "hukou_area_id": _null(hukou_id, -1), "residence_area_id": comm_ids,
        "address": address, "lat": lat, "lng": lng,
        "living_situation": SITUATIONS.gather(situation),
        **{k: v for k, v in cats.items() if k != "disability_grade"},
        "disability_grade": _null(cats["disability_grade"], -1),
        "ability_level": _null(level, -1), "status": STATUSES.gather(status),
        "status_date": status_date,
    }).with_columns(
        pl.col("id_number").str.slice(14, 4).alias("id_tail"),
        pl.col("phone").str.slice(7, 4).alias("phone_tail"),
    )
    contacts = _contacts(np.random.default_rng([seed, 1]), surname, status)
    return Population(elders=elders, contacts=contacts, community=comm)


def _contacts(rng: np.random.Generator, elder_surname: np.ndarray,
              status: np.ndarray) -> pl.DataFrame:
    """One contact for some active elders, a second for some of those; children share the
    elder's surname."""
    active = status == 0
    first = pick(rng, active.astype(float), round(cal.ONE_CONTACT * active.sum()))
    second = pick(rng, first.astype(float), round(cal.SECOND_CONTACT * first.sum()))
    index = np.concatenate([np.flatnonzero(first), np.flatnonzero(second)])
    m = len(index)
    relation = RELATIONS[rng.choice(len(RELATIONS), m, p=RELATION_P)]
    surname, given = draw_names(rng, rng.random(m) < 0.5)
    surname = np.where(relation == "child", elder_surname[index], surname)
    guardian = (relation == "guardian") | ((relation == "child") & (rng.random(m) < 0.1))
    return pl.DataFrame({
        "elder_index": index, "name": full_names(surname, given), "relation": relation,
        "phone": draw_mobiles(rng, m), "is_guardian": guardian,
        "is_emergency": np.ones(m, dtype=bool),
    })
