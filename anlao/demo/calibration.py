"""How the demo population is calibrated. Counts are per 60,000 elders (DOMAIN.md §10, Gongshu)
and scale with N; the shares marked ASSUMPTION are plausible guesses, not published figures."""

from __future__ import annotations

BASE_ELDERS = 60_000

# DOMAIN.md §10 (Gongshu, seed 003), per 60,000 elders.
AGED_80_PLUS = 15_000
ALONE_EMPTY_NEST_NO_FAMILY = 22_000
SEMI_DISABLED = 2_055  # ability levels 1–2
DISABLED = 787  # ability levels 3–4

# Split of the 22,000 between the three "alone" situations. ASSUMPTION.
ALONE_SPLIT = {"lives_alone": 0.33, "empty_nest": 0.61, "no_family": 0.06}

# Within semi-disabled: level 1 vs 2; within disabled: level 3 vs 4. ASSUMPTION.
LEVEL_SPLIT = {1: 0.62, 2: 0.38, 3: 0.64, 4: 0.36}
# Share of the remaining elders with a recorded level 0 (assessed, ability intact); the rest
# have no assessment yet. ASSUMPTION.
ASSESSED_INTACT = 0.15

# Special categories, as shares of all elders. ASSUMPTION (order of magnitude of Hangzhou's
# public figures, not a source).
CATEGORY_SHARES = {
    "extreme_poverty": 0.003,  # 特困
    "dibao": 0.012,  # 低保
    "near_dibao": 0.008,  # 低保边缘
    "bereaved_one_child_family": 0.006,  # 计生特殊家庭 (失独)
    "entitled_veteran": 0.010,  # 重点优抚对象
}
# Elders holding a disability certificate, and its grades 1 (most severe) … 4. ASSUMPTION.
DISABILITY_CERTIFICATE = 0.035
DISABILITY_GRADES = {1: 0.12, 2: 0.20, 3: 0.30, 4: 0.38}

# Status: deceased and moved out (kept in the registry, not active). ASSUMPTION.
DECEASED = 0.015
MOVED_OUT = 0.005

# Hukou: most registered locally (Gongshu 330105), some from elsewhere in Hangzhou. ASSUMPTION.
HUKOU_CODES = {"330105": 0.84, "330102": 0.04, "330103": 0.04, "330104": 0.03, "330106": 0.05}

# Share of elders with a mobile phone on file, at 60 and falling by age. ASSUMPTION.
PHONE_BLANK_AT_60 = 0.05
PHONE_BLANK_PER_YEAR = 0.006

# Contacts: share of elders with one contact, and of those a second one. ASSUMPTION.
ONE_CONTACT = 0.35
SECOND_CONTACT = 0.25


def scaled(count_per_base: int, n: int) -> int:
    """A DOMAIN.md count per 60,000 elders, scaled to ``n`` elders."""
    return round(count_per_base * n / BASE_ELDERS)
