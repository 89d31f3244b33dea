"""Reading one column of a frame as a plain numpy array: the one "numeric column or NaN" helper.

Tiers, lifecycle stages, health, rules, outcomes and task priority all need a column as float64
with NaN for missing, whatever its dtype (float, nullable Int64/Float64, object holding numbers
or text): one definition keeps "missing" meaning the same thing in every one of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def as_float(col: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN for missing (nullable dtypes included); text that
    is no number reads as missing."""
    if col.dtype == np.float64:
        return col.to_numpy()
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """`as_float` of a frame's column; an absent column is all missing."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return as_float(frame[column])
