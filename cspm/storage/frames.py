"""Converting between typed pandas frames and database parameter rows, column-wise.

The import writes 100,000 rows at a time, so conversion works per column on numpy arrays
(missing -> None, datetime64 -> date) instead of per cell, and results are built into frames
with the same dtypes the core expects (float64, datetime64[ns], object text, boolean).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.fields import BOOL_FIELDS, DATE_FIELDS, FIELD_NAMES, NUMERIC_FIELDS


def column_to_python(s: pd.Series) -> np.ndarray:
    """An object array of plain Python values with None for every kind of missing."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = np.array(s.dt.date.to_numpy(dtype=object), dtype=object)
        out[s.isna().to_numpy()] = None
        return out
    if pd.api.types.is_bool_dtype(s.dtype) or str(s.dtype) == "boolean":
        vals = s.astype(object).to_numpy(dtype=object)
        mask = s.isna().to_numpy()
        out = np.array([bool(v) for v in np.where(mask, False, vals)], dtype=object)
        out[mask] = None
        return out
    if pd.api.types.is_numeric_dtype(s.dtype):
        vals = s.to_numpy(dtype=float)
        out = vals.astype(object)
        out[np.isnan(vals)] = None
        return out
    vals = s.to_numpy(dtype=object)
    mask = s.isna().to_numpy()
    out = vals.copy()
    out[mask] = None
    return out


def to_boolean(values: pd.Series) -> pd.Series:
    """Driver values (0/1, True/False, None, and NaN where pandas widened an int column that
    had NULLs) as a three-valued pandas "boolean" column: missing stays <NA>, never True.

    `bool(float("nan"))` is True, so a per-value `bool(v)` turned every NULL of a column that
    also held a 1 into True (every new account became a reference customer).
    """
    raw = values.to_numpy(dtype=object)
    missing = pd.isna(values).to_numpy(dtype=bool)
    truth = np.zeros(len(raw), dtype=bool)
    if (~missing).any():
        truth[~missing] = [bool(v) for v in raw[~missing]]
    return pd.Series(pd.arrays.BooleanArray(truth, missing), index=values.index)


def frame_to_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Parameter dicts for Core executemany, one per row, for the given columns."""
    arrays = [column_to_python(frame[c]) for c in columns]
    return [dict(zip(columns, vals, strict=True)) for vals in zip(*arrays, strict=True)]


def typed_account_frame(raw: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The core's dtypes for every canonical field of a frame of raw driver values."""
    from .fetch import decode_json_column

    frame = raw.copy()
    frame.columns = list(columns)
    for c in frame.columns:
        if c == "custom":
            frame[c] = decode_json_column(frame[c])
            continue
        if c in DATE_FIELDS or c == "as_of":
            frame[c] = pd.to_datetime(frame[c], errors="coerce").astype("datetime64[ns]")
        elif c in NUMERIC_FIELDS:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
        elif c in BOOL_FIELDS:
            frame[c] = to_boolean(frame[c])
        elif c in FIELD_NAMES:
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame


def typed_account_columns(
    raw: dict[str, np.ndarray], columns: Sequence[str], *, copy: bool = True
) -> pd.DataFrame:
    """What `typed_account_frame` makes of the same values, from `fetch.fetch_columns`' object
    arrays: each column typed once by its field's kind, without pandas inferring a type first
    (which cost as much as the fetch itself at 600,000 snapshot rows). A column whose values
    do not convert this direct way (text in a number column, a date out of pandas' range)
    takes `typed_account_frame`'s forgiving path. `copy=False`: the typed columns become the
    frame's as they are, one block each, instead of being copied into a block per dtype (the
    same values, half the memory while it is built)."""
    from .fetch import decode_json_column

    n = len(next(iter(raw.values()))) if raw else 0
    out: dict[str, Any] = {}
    for name, c in zip(raw, columns, strict=True):
        values = raw[name]
        if c == "custom":
            out[c] = decode_json_column(pd.Series(values, dtype=object))
        elif c in DATE_FIELDS or c == "as_of":
            out[c] = _dates(values)
        elif c in NUMERIC_FIELDS:
            out[c] = _floats(values)
        elif c in BOOL_FIELDS:
            out[c] = to_boolean(pd.Series(values, dtype=object))
        elif c in FIELD_NAMES:
            out[c] = pd.Series(values, dtype=object)
        else:
            out[c] = pd.Series(values, dtype=object).infer_objects()
    return pd.DataFrame(out, index=pd.RangeIndex(n), columns=list(columns), copy=copy)


_NS_DAYS = (np.datetime64("1678-01-01", "D"), np.datetime64("2261-12-31", "D"))


def _dates(values: np.ndarray) -> pd.Series:
    """ISO date text (SQLite) or date objects (PostgreSQL) -> datetime64[ns], NULL -> NaT."""
    try:
        days = values.astype("datetime64[D]")
    except (ValueError, TypeError):
        days = None
    if days is not None:
        known = days[~np.isnat(days)]
        if not len(known) or (known.min() >= _NS_DAYS[0] and known.max() <= _NS_DAYS[1]):
            return pd.Series(days.astype("datetime64[ns]"))
    return pd.Series(
        pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").astype("datetime64[ns]")
    )


def _floats(values: np.ndarray) -> pd.Series:
    """Numbers (None -> NaN); anything else takes `pd.to_numeric`'s coercion."""
    try:
        return pd.Series(values.astype(float))
    except (ValueError, TypeError):
        return pd.Series(
            pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        )


def values_equal(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality treating missing == missing (for 'unchanged' detection)."""
    x, y = column_to_python(a), column_to_python(b)
    # numpy compares the two object arrays element by element in C (None == None holds), not
    # a Python generator over every account
    eq = np.asarray(x == y, dtype=bool) if len(x) else np.zeros(0, dtype=bool)
    return pd.Series(eq, index=a.index)
