"""Snapshot look-ups: an account's value in an earlier snapshot, for all accounts at once.

History holds one row per account per import. Rows dated after today have not happened yet and
are dropped; rows with an equal as_of collapse to the later load (highest import_id), so a
snapshot is one (account, date); should an exact duplicate slip in, the later row wins. The
latest remaining snapshot of an account is its CURRENT one and is never a baseline: "dropped by
15 since 30 days" compares today's value with the latest snapshot on or before today - 30 days
among the earlier ones.

Choosing the baseline row does not depend on the field, so it is computed once per since_days and
shared by every field and every segment (`SnapshotIndex` caches both).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from cspm.core.columns import as_float

DAY = np.timedelta64(1, "D")


def to_day(today: date | datetime | pd.Timestamp) -> pd.Timestamp:
    """Today as a midnight Timestamp: every day count in the rules is whole calendar days."""
    return pd.Timestamp(today).normalize()


def as_datetime64(col: pd.Series) -> np.ndarray:
    """A date column as datetime64[ns] (pandas 3 may hand us [us] or [s]; text is coerced)."""
    if not pd.api.types.is_datetime64_any_dtype(col.dtype):
        col = pd.to_datetime(col, errors="coerce")
    if getattr(col.dt, "tz", None) is not None:
        col = col.dt.tz_localize(None)
    return col.to_numpy(dtype="datetime64[ns]")


class SnapshotIndex:
    """History prepared once for one evaluation: sorted, de-duplicated, current rows set apart."""

    def __init__(self, history: pd.DataFrame | None, accounts: pd.Index, today: pd.Timestamp):
        self._history = history if history is not None else pd.DataFrame()
        self._n = len(accounts)
        self._rows_cache: dict[float | None, np.ndarray] = {}
        self._col_cache: dict[str, np.ndarray | None] = {}
        h = self._history
        if len(h) == 0 or "key" not in h.columns or "as_of" not in h.columns:
            self._rows = self._codes = np.empty(0, np.int64)
            self._asof = np.empty(0, "datetime64[ns]")
            return
        asof = as_datetime64(h["as_of"])
        codes = _account_positions(h["key"], accounts)
        imp = as_float(h["import_id"]) if "import_id" in h.columns else np.zeros(len(h))
        rows = np.nonzero((codes >= 0) & (asof <= today.to_datetime64()))[0]
        rows = rows[np.lexsort((imp[rows], asof[rows], codes[rows]))]
        c, a = codes[rows], asof[rows]
        # Equal (account, as_of): the later load wins.
        last_of_day = np.ones(len(rows), bool)
        last_of_day[:-1] = (c[1:] != c[:-1]) | (a[1:] != a[:-1])
        rows, c, a = rows[last_of_day], c[last_of_day], a[last_of_day]
        # The last snapshot of each account is its current one: never a baseline.
        earlier = np.zeros(len(rows), bool)
        earlier[:-1] = c[1:] == c[:-1]
        self._rows, self._codes, self._asof = rows[earlier], c[earlier], a[earlier]

    def baseline_rows(self, since_days: float | None, today: pd.Timestamp) -> np.ndarray:
        """Per account, the history row of its baseline snapshot, or -1 when there is none."""
        key = since_days
        if key in self._rows_cache:
            return self._rows_cache[key]
        if since_days is None:
            picked = np.arange(len(self._rows))
        else:
            cutoff = (today - pd.Timedelta(days=since_days)).to_datetime64()
            picked = np.nonzero(self._asof <= cutoff)[0]
        codes = self._codes[picked]
        last = np.ones(len(picked), bool)
        last[:-1] = codes[1:] != codes[:-1]
        out = np.full(self._n, -1, np.int64)
        out[codes[last]] = self._rows[picked[last]]
        self._rows_cache[key] = out
        return out

    def column(self, field: str) -> np.ndarray | None:
        """A numeric history column as float64; seat_utilization is derived from the seats."""
        if field not in self._col_cache:
            h = self._history
            col: np.ndarray | None = None
            if field in h.columns:
                col = as_float(h[field])
            elif field == "seat_utilization" and {"seats_active", "seats_purchased"} <= set(
                h.columns
            ):
                col = seat_fraction(as_float(h["seats_active"]), as_float(h["seats_purchased"]))
            self._col_cache[field] = col
        return self._col_cache[field]

    def baseline(self, field: str, since_days: float | None, today: pd.Timestamp) -> np.ndarray:
        """Per account, the field's value in the baseline snapshot (NaN: none, or not carried)."""
        col = self.column(field)
        if col is None:
            return np.full(self._n, np.nan)
        rows = self.baseline_rows(since_days, today)
        if len(col) == 0:
            return np.full(self._n, np.nan)
        return np.where(rows >= 0, col[np.maximum(rows, 0)], np.nan)

    def baseline_dates(self, since_days: float | None, today: pd.Timestamp) -> np.ndarray:
        """Per account, the as_of date of the baseline snapshot (NaT when none)."""
        rows = self.baseline_rows(since_days, today)
        if len(self._rows) == 0:
            return np.full(self._n, np.datetime64("NaT"), "datetime64[ns]")
        asof = as_datetime64(self._history["as_of"])
        return np.where(rows >= 0, asof[np.maximum(rows, 0)], np.datetime64("NaT"))


def _account_positions(keys: pd.Series, accounts: pd.Index) -> np.ndarray:
    """Each history row's position in the portfolio (-1: not an account of this portfolio).

    Hashing 600,000 key strings is the single biggest cost of a history look-up; a categorical
    key column lets us hash only its categories.
    """
    if isinstance(keys.dtype, pd.CategoricalDtype):
        codes = keys.cat.codes.to_numpy()
        positions = accounts.get_indexer(keys.cat.categories)
        return np.where(codes >= 0, positions[codes], -1)
    return accounts.get_indexer(keys)


def keyed_by(keys: pd.Series, accounts: pd.Index) -> pd.Series:
    """History keys as a categorical over `accounts` (the stored accounts' keys, in id order),
    as `accounts_repo.load_history` reads them: codes are recoded through the categories, so
    only `accounts` and the distinct keys are hashed, never each of the 600,000 rows again.
    A key of none of `accounts` (history rows belong to stored accounts, so never expected)
    leaves the keys as they are: still right, only slower to look up."""
    categories = pd.Index(accounts, dtype=object).rename(None)
    if isinstance(keys.dtype, pd.CategoricalDtype):
        if keys.cat.categories.equals(categories):
            return keys
        codes = keys.cat.codes.to_numpy()
        recoded = categories.get_indexer(keys.cat.categories.astype(object))
        new_codes = np.where(codes >= 0, recoded[codes], -1)
    else:
        new_codes = categories.get_indexer(keys.astype(object))
    if (new_codes < 0).any():
        return keys
    coded = pd.Categorical.from_codes(new_codes, categories=categories)
    return pd.Series(coded, index=keys.index, name=keys.name)


def seat_fraction(active: np.ndarray, purchased: np.ndarray) -> np.ndarray:
    """seats_active / seats_purchased as a 0-1 fraction; NaN when purchased is missing or 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(purchased > 0, active / purchased, np.nan)


def pct_change(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """(new - old) * 100 / |old| in percentage points; NaN when old is missing or 0.

    Multiplying before dividing keeps round cases exact (100 -> 80 is exactly -20).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old != 0, (new - old) * 100 / np.abs(old), np.nan)
