"""Text cells: trimmed strings, with numbers and dates from Excel written the way users see them."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from cspm.core.parsing.cells import Cells, Kind

_EXACT_INT = 2.0**53  # below this int64 conversion of an integral float is exact
_PLAIN_LIMIT = 1e16  # integral floats below this are written out in full, larger as 1e+16


def _date_text(value: object) -> str:
    """ISO date; a datetime with a time of day keeps it ("2027-03-15 10:30:00")."""
    if isinstance(value, dt.datetime | pd.Timestamp):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, np.datetime64):
        return _date_text(pd.Timestamp(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _number_texts(values: np.ndarray) -> list[str]:
    """12345.0 -> "12345" (Excel stores IDs as floats); 1.5 -> "1.5"; big ints stay exact."""
    floats = np.asarray(list(values), dtype=np.float64)
    integral = np.isfinite(floats) & (floats == np.round(floats)) & (np.abs(floats) < _EXACT_INT)
    out = np.empty(len(values), dtype=object)
    out[integral] = floats[integral].astype(np.int64).astype(str)
    for i in np.flatnonzero(~integral):  # real decimals, huge ints, inf: few, format exactly
        v = values[i]
        if isinstance(v, int | np.integer):
            out[i] = str(v)
        elif abs(float(v)) < _PLAIN_LIMIT and float(v).is_integer():
            out[i] = str(int(v))
        else:
            out[i] = repr(float(v))  # shortest round-trip text: "1.5", "1e+20", "inf"
    return list(out)


_EXPORT_APOSTROPHE = re.compile(r"^'(?=[=+\-@])")


def _trimmed_texts(texts: list[str]) -> list[str]:
    """Each text trimmed, without the apostrophe our exports put before a formula character
    (as `strip_export_apostrophe`); plain list work, as a column of 100,000 distinct names
    costs pandas' string methods three times as much."""
    out = [t.strip() for t in texts]
    for i, t in enumerate(out):
        if t.startswith("'"):
            out[i] = _EXPORT_APOSTROPHE.sub("", t)
    return out


def parse_texts(cells: Cells) -> np.ndarray:
    """Per distinct value: the cell as trimmed text, or None for a missing one."""
    out = np.full(len(cells.values), None, dtype=object)
    texts = cells.of_kind(Kind.STR)
    if len(texts):
        out[texts] = _trimmed_texts(cells.values[texts].tolist())
    nums = cells.of_kind(Kind.NUM)
    if len(nums):
        out[nums] = _number_texts(cells.values[nums])
    for i in cells.of_kind(Kind.BOOL):
        out[i] = "TRUE" if cells.values[i] else "FALSE"  # as Excel shows them
    for kind in (Kind.DATETIME, Kind.DATE, Kind.TIME):
        for i in cells.of_kind(kind):
            v = cells.values[i]
            out[i] = v.isoformat() if kind == Kind.TIME else _date_text(v)
    for i in cells.of_kind(Kind.OTHER):
        out[i] = str(cells.values[i]).strip() or None
    return out
