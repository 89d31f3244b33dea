"""The demo's calendar: the dates of its monthly exports and its contract anniversaries."""

from __future__ import annotations

import datetime

import numpy as np


def snapshot_dates(today: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of the `months - 1` previous months, then `today`; oldest first."""
    first_of_month = np.datetime64(today, "M")
    ends = [(first_of_month - k).astype("datetime64[D]") - 1 for k in range(months - 2, -1, -1)]
    return [*(e.astype(datetime.date) for e in ends), today]


def to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (float, NaN missing) as datetime64[ns] at midnight (NaT missing)."""
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    known = ~np.isnan(days)
    out[known] = days[known].astype(np.int64).astype("datetime64[D]").astype("datetime64[ns]")
    return out


def next_anniversary(start: np.ndarray, at: np.ndarray) -> np.ndarray:
    """First contract anniversary (1 year or more after `start`) on or after day `at`."""
    known = ~np.isnan(start) & ~np.isnan(at)
    s = np.where(known, start, 0).astype(np.int64).astype("datetime64[D]")
    x = np.where(known, at, 0).astype(np.int64).astype("datetime64[D]")
    s_month = s.astype("datetime64[M]")
    day_in_month = s - s_month.astype("datetime64[D]")
    months_apart = (x.astype("datetime64[M]") - s_month).astype(np.int64)
    years = np.maximum(1, months_apart // 12)

    def anniversary(k: np.ndarray) -> np.ndarray:
        return ((s_month + 12 * k).astype("datetime64[D]") + day_in_month).astype(np.int64)

    first = anniversary(years)
    out = np.where(first < x.astype(np.int64), anniversary(years + 1), first)
    return np.where(known, out.astype(np.float64), np.nan)
