"""Whole-portfolio array helpers for the aggregates: dates as day numbers, per-account sums,
minima and maxima, and the last row of each account in a sorted array.

The aggregates work on numpy arrays indexed by an account code (0..n-1) rather than on keyed
frames: one `bincount` or `ufunc.at` per figure and date handles every account at once, with no
Python loop over rows or accounts. Dates are int64 day numbers (days since 1970-01-01) so
window bounds are plain integer comparisons and `searchsorted` calls; missing dates are
`NO_DAY`, below every real day, so "latest" maxima ignore them for free.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

NO_DAY = np.iinfo(np.int64).min
"""A missing date (NaT) as a day number: less than every real day."""
_NO_DAY_HIGH = np.iinfo(np.int64).max

_DAY_SHIFT = 2**31
_KEY_SHIFT = 32


def days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Day numbers of a datetime column (time of day dropped), NO_DAY where missing."""
    arr = np.asarray(values, dtype="datetime64[ns]")
    out = arr.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(arr)] = NO_DAY
    return out


def day_of(d: dt.date | pd.Timestamp) -> int:
    """The day number of one date."""
    return int(np.datetime64(pd.Timestamp(d).date(), "D").astype(np.int64))


def to_datetimes(day_numbers: np.ndarray) -> np.ndarray:
    """datetime64[ns] at midnight, NaT for NO_DAY (and for the 'no minimum' marker)."""
    missing = (day_numbers == NO_DAY) | (day_numbers == _NO_DAY_HIGH)
    out = np.where(missing, 0, day_numbers).astype("datetime64[D]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT", "ns")
    return out


def count_by(codes: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """How many rows each account has (where `mask`), as float64."""
    picked = codes if mask is None else codes[mask]
    return np.bincount(picked, minlength=n).astype(np.float64)


def sum_by(codes: np.ndarray, values: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per-account sum of `values` where `mask` (NaN values count as 0)."""
    return np.bincount(codes[mask], weights=np.nan_to_num(values[mask]), minlength=n)


def max_day_by(codes: np.ndarray, day_numbers: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per-account latest day where `mask` (NO_DAY when none)."""
    out = np.full(n, NO_DAY, dtype=np.int64)
    np.maximum.at(out, codes[mask], day_numbers[mask])
    return out


def min_day_by(codes: np.ndarray, day_numbers: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per-account earliest day where `mask` (NO_DAY when none)."""
    out = np.full(n, _NO_DAY_HIGH, dtype=np.int64)
    np.minimum.at(out, codes[mask], day_numbers[mask])
    out[out == _NO_DAY_HIGH] = NO_DAY
    return out


def group_ends(sorted_codes: np.ndarray) -> np.ndarray:
    """Mask of the last row of each run of equal codes in a sorted code array."""
    if not len(sorted_codes):
        return np.zeros(0, dtype=bool)
    return np.r_[sorted_codes[1:] != sorted_codes[:-1], True]


def group_starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Mask of the first row of each run of equal codes in a sorted code array."""
    if not len(sorted_codes):
        return np.zeros(0, dtype=bool)
    return np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]


def account_day_keys(codes: np.ndarray, day_numbers: np.ndarray) -> np.ndarray:
    """One sortable int64 per (account, day): searchsorted over these answers "how many rows
    of account a fall on or before day d" for every account at once."""
    return (codes.astype(np.int64) << _KEY_SHIFT) + (day_numbers + _DAY_SHIFT)
