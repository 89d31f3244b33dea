"""Column helpers shared by task generation, priority and capacity.

Dates are handled as float day numbers (days since 1970-01-01, NaN for missing) because every
rule here counts whole days, NaN propagates as "unknown" through numpy, and `np.fmax` takes the
latest of several dates while ignoring the missing ones.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from cspm.core.rules.history import as_datetime64

TASK_COLUMNS: dict[str, str] = {
    "id": "int64",
    "account_key": "str",
    "template_id": "str",
    "trigger_kind": "str",
    "trigger": "str",
    "status": "str",
    "due_date": "datetime64[ns]",
    "created_on": "datetime64[ns]",
    "closed_on": "datetime64[ns]",
    "episode_open": "bool",
}
"""Columns (and dtypes) of the stored-tasks frame `plan_tasks` reads."""

CREATE_COLUMNS: tuple[str, ...] = (
    "account_key",
    "template_id",
    "trigger_kind",
    "trigger",
    "title",
    "description",
    "due_date",
    "base_priority",
)


def empty_tasks() -> pd.DataFrame:
    """A stored-tasks frame with no rows and every column present (for a fresh database)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in TASK_COLUMNS.items()})


def day_number(day: datetime.date | pd.Timestamp) -> float:
    """A date as days since the epoch."""
    return float(np.datetime64(pd.Timestamp(day).date(), "D").astype(np.int64))


def days(col: pd.Series) -> np.ndarray:
    """A date column as float day numbers, NaN where missing (times of day are dropped)."""
    d = as_datetime64(col).astype("datetime64[D]")
    out = d.astype(np.int64).astype(np.float64)
    out[np.isnat(d)] = np.nan
    return out


def column_days(frame: pd.DataFrame, name: str) -> np.ndarray:
    """`days` of a frame's column; an absent column is all missing."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return days(frame[name])


def to_datetime(day_numbers: np.ndarray) -> np.ndarray:
    """Float day numbers back to datetime64[ns] (NaN -> NaT)."""
    missing = np.isnan(day_numbers)
    whole = np.where(missing, 0, day_numbers).astype(np.int64).astype("datetime64[D]")
    out = whole.astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return out


def text_codes(values: pd.Series, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """Position of each value in `names` (exact match), -1 for anything else or missing."""
    lookup = pd.Index(list(dict.fromkeys(names)), dtype=object)
    return np.asarray(lookup.get_indexer(pd.Index(values.astype(object))), dtype=np.int64)


def positions(keys: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each key in `index` (the portfolio's account keys), -1 when absent."""
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    return np.asarray(index.get_indexer(pd.Index(keys.astype(str))), dtype=np.int64)
