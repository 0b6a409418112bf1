"""Resident ID numbers (GB 11643-1999) in bulk: unique, valid, sex in the sequence parity.

The check character is ISO 7064 MOD 11-2, computed on whole arrays; tests compare it with
``stdnum.cn.ric.calc_check_digit`` on a sample.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# weight of digit i (0-based, from the left) = 2^(17-i) mod 11
WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
CHECK_CHARS = pl.Series(list("0123456789X"))


def check_chars(n17: np.ndarray) -> pl.Series:
    """The check character of each 17-digit number (int64 array)."""
    total = np.zeros(len(n17), dtype=np.int64)
    rest = n17.copy()
    for i in range(16, -1, -1):  # least significant digit has index 16
        total += (rest % 10) * WEIGHTS[i]
        rest //= 10
    return CHECK_CHARS.gather((12 - total % 11) % 11)


def ymd(birth: np.ndarray) -> np.ndarray:
    """datetime64[D] → YYYYMMDD as int64."""
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    return years * 10_000 + months * 100 + days


def draw_id_numbers(rng: np.random.Generator, area: np.ndarray, birth: np.ndarray,
                    male: np.ndarray) -> pl.Series:
    """One unique 18-character ID per row, from area code (int), birth (datetime64[D]), sex.

    Sequence numbers are drawn at random with the right parity; the few collisions (same area,
    birth date and sequence) are redrawn until none is left.
    """
    base = area.astype(np.int64) * 100_000_000_000 + ymd(birth) * 1000
    parity = male.astype(np.int64)
    seq = rng.integers(0, 500, len(base)) * 2 + parity
    n17 = base + seq
    for _attempt in range(200):
        order = np.argsort(n17, kind="stable")
        dup_sorted = np.flatnonzero(n17[order][1:] == n17[order][:-1]) + 1
        if len(dup_sorted) == 0:
            return pl.Series(n17).cast(pl.String) + check_chars(n17)
        redo = order[dup_sorted]
        n17[redo] = base[redo] + rng.integers(0, 500, len(redo)) * 2 + parity[redo]
    # 500 numbers per area, birth date and sex: far more elders than that cannot be unique
    raise ValueError("too many elders for unique ID numbers")
