"""CSV of any account or task list: UTF-8 with BOM (so Excel reads accents), ISO dates,
formula-escaped text, numbers as numbers."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import escape_series, escape_text
from .safe_write import atomic_output


def _is_date_column(col: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(col):
        return True
    if col.dtype == object:
        present = col.dropna()
        return len(present) > 0 and all(isinstance(v, datetime.date) for v in present)
    return False


def _iso_dates(col: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(col, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    has_time = bool((stamps.dropna() != stamps.dropna().dt.normalize()).any())
    text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d")
    return text.astype(object).where(stamps.notna(), None)


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every column turned into what the CSV should hold, cell by cell."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_bool_dtype(col):
            out[name] = col
        elif _is_date_column(col):
            out[name] = _iso_dates(col)
        elif pd.api.types.is_numeric_dtype(col):
            values = pd.to_numeric(col, errors="coerce")
            finite = values.dropna()
            whole = (
                pd.api.types.is_float_dtype(values)
                and len(finite) > 0
                and bool(np.all(np.mod(finite.to_numpy(dtype=float), 1) == 0))
                and bool((finite.abs() < 2**53).all())
            )
            out[name] = values.astype("Int64") if whole else values
        elif pd.api.types.is_string_dtype(col) and col.dtype != object:
            out[name] = escape_series(col)
        else:  # object: mixed values; escape the text ones, keep numbers as numbers
            out[name] = col.map(_cell, na_action="ignore")
    return pd.DataFrame(out, index=frame.index, columns=list(frame.columns))


def _cell(value: object) -> object:
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, datetime.datetime | pd.Timestamp):
        if value.time() == datetime.time():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | np.number | bool):
        return value
    return escape_text(str(value))


def write_csv(path: Path | str, frame: pd.DataFrame) -> Path:
    """Write `frame` (without its index) to `path` atomically; returns the path."""
    target = Path(path)
    safe = csv_frame(frame)
    header = [escape_text(str(c)) for c in frame.columns]
    with atomic_output(target) as temp:
        safe.to_csv(
            temp,
            index=False,
            header=header,
            encoding="utf-8-sig",
            lineterminator="\r\n",
            date_format="%Y-%m-%d",
        )
    return target
