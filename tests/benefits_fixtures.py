"""Shared test policies and frame rows for the benefits tests (not a test module)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from anlao.benefits.engine.frame import COLUMNS, normalise
from anlao.benefits.policy.programs import Program, program_from_text

AGE_ALLOWANCE = """\
program: test-age-allowance
name: {en: "Test age allowance", zh: "测试高龄津贴"}
jurisdiction: "330105"
versions:
  - effective_from: 2020-01-01
    eligibility:
      - {code: hukou, when: "hukou under '330105'", stop_reason: hukou_moved}
      - {code: age, when: "age >= 80"}
    tiers:
      - {code: age80-89, age: [80, 89], amount_fen: 10000}
      - {code: age90plus, age: [90, null], amount_fen: 20000}
"""

QUARTERLY = AGE_ALLOWANCE.replace("test-age-allowance", "test-quarterly").replace(
    "  - effective_from: 2020-01-01\n", "  - effective_from: 2020-01-01\n    payment: quarterly\n")

CARE_A = """\
program: test-care-a
name: "Care A"
jurisdiction: "330105"
versions:
  - effective_from: 2020-01-01
    exclusive_with: [test-care-b]
    eligibility:
      - {code: poor, when: "dibao or extreme_poverty"}
    tiers:
      - {code: dibao, category: dibao, amount_fen: 30000}
      - {code: extreme, category: extreme_poverty, amount_fen: 50000}
"""

CARE_B = """\
program: test-care-b
name: "Care B"
jurisdiction: "330105"
versions:
  - effective_from: 2020-01-01
    eligibility:
      - {code: disabled, when: "ability_level >= 2 and not (living_situation == 'with_family')"}
    tiers:
      - {code: level2-4, ability_level: [2, 4], amount_fen: 40000}
"""

ALL = {"test-age-allowance": AGE_ALLOWANCE, "test-quarterly": QUARTERLY,
       "test-care-a": CARE_A, "test-care-b": CARE_B}


def programs() -> dict[str, Program]:
    return {code: program_from_text(text, f"{code}.yaml") for code, text in ALL.items()}


def write_policies(directory: Path) -> Path:
    for code, text in ALL.items():
        (directory / f"{code}.yaml").write_text(text, encoding="utf-8")
    return directory


DEFAULTS: dict[str, Any] = {
    "birth_date": dt.date(1940, 6, 15), "sex": "F", "stored_status": "active",
    "status_date": None, "hukou_path": "330000/330100/330105/330105001000/330105001001/",
    "residence_path": "330000/330100/330105/330105001000/330105001001/",
    "community_code": "330105001001", "street_code": "330105001000",
    "living_situation": "with_family", "extreme_poverty": False, "dibao": False,
    "near_dibao": False, "bereaved_one_child_family": False, "entitled_veteran": False,
    "disability_grade": None, "ability_level": None, "last_verified": None,
}


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    """A normalised elder frame from partial rows (ids 1, 2, … unless given)."""
    full = [{"id": i + 1, **DEFAULTS, **row} for i, row in enumerate(rows)]
    return normalise(pl.DataFrame([[r[c] for c in COLUMNS] for r in full], schema=list(COLUMNS),
                                  orient="row", infer_schema_length=None))


# A monthly allowance with 生存认证 in May and November, no grace month.
LIFE = AGE_ALLOWANCE.replace("program: test-age-allowance", "program: test-life").replace(
    "versions:\n", "life_verification: {months: [5, 11], grace_months: 0}\nversions:\n")
