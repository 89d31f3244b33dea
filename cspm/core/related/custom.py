"""A related row's unmapped columns, kept as one JSON object per row (the tables' `custom`).

An accounts file's extra columns become custom fields (columns of their own); a related kind's
tables have a fixed set of columns, so its extra columns travel with each row as a dict, typed
by parsing like an accounts file's custom fields and written JSON-ready: text, numbers, yes/no,
dates as ISO text, missing as null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _json_ready(values: pd.Series) -> np.ndarray:
    """One column's values as JSON-ready objects (None for missing)."""
    present = values.notna().to_numpy(dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    else:
        out = values.astype(object).to_numpy(dtype=object)
    out = out.copy()
    out[~present] = None
    return out


def custom_records(columns: dict[str, pd.Series], n: int) -> pd.Series:
    """Per row: {custom name: value} of the kept unmapped columns, None when it has none or
    all of them are empty (so a row without extras stores nothing)."""
    if not columns:
        return pd.Series([None] * n, dtype=object)
    names = list(columns)
    arrays = [_json_ready(s.reset_index(drop=True)) for s in columns.values()]
    empty = np.logical_and.reduce([a == None for a in arrays])  # noqa: E711 (elementwise)
    records = np.empty(n, dtype=object)
    records[:] = [dict(zip(names, row, strict=True)) for row in zip(*arrays, strict=True)]
    records[empty] = None
    return pd.Series(records, dtype=object)
