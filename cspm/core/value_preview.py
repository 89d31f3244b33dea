"""What the first rows' cells became: each mapped column's raw cell beside its parsed value.

The import wizard shows this before anything is written, so a user sees "$157.8k" -> 157,800
USD, "yes" -> Yes and a blank staying blank, and catches a wrong column or scale by eye. Only
the first few rows are formatted (per cell, cheap); the plan itself was parsed vectorised.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.field_spec import FieldSpec
from cspm.core.fields import FIELDS, FieldType
from cspm.core.header import Table
from cspm.core.plan import ImportPlan

PREVIEW_COLUMNS = ["row", "column", "field", "raw", "parsed"]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def raw_text(value: Any) -> str:
    """A cell as read: text as it is, numbers without a trailing ".0", dates as ISO."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parsed_text(value: Any, ftype: FieldType, currency: str = "") -> str:
    """A parsed value as a person reads it: 157,800 USD, Yes/No, 2027-01-11; blank stays ""."""
    if _missing(value):
        return ""
    if ftype == FieldType.BOOL:
        return "Yes" if bool(value) else "No"
    if ftype == FieldType.DATE:
        return raw_text(value)
    if ftype in (FieldType.MONEY, FieldType.NUMBER, FieldType.SCORE):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        text = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
        return f"{text} {currency}".rstrip() if ftype == FieldType.MONEY else text
    return str(value)


def value_preview(
    table: Table,
    plan: ImportPlan,
    currency: str = "USD",
    rows: int = 5,
    fields: Mapping[str, FieldSpec] = FIELDS,
) -> pd.DataFrame:
    """The first `rows` importable rows, one line per (row, mapped column): the sheet row, the
    header, the field it feeds (its label), the raw cell and the parsed value as text.

    `currency` is the code an amount is in when the file has no currency column. `fields`: the
    fields the plan maps to (a related kind's own, for a related plan of the same shape)."""
    frame = plan.frame.head(rows)
    if frame.empty:
        return pd.DataFrame(columns=PREVIEW_COLUMNS)
    positions = pd.Index(np.asarray(table.row_numbers)).get_indexer(frame["source_row"])
    codes = (
        frame["currency"].astype(object).where(frame["currency"].notna(), currency).tolist()
        if "currency" in frame.columns
        else [currency] * len(frame)
    )
    lines: list[tuple[int, str, str, str, str]] = []
    for i, (row, pos) in enumerate(zip(frame["source_row"].tolist(), positions, strict=True)):
        for match in plan.mapping.columns:
            name = match.custom_name or match.target
            if name not in frame.columns or match.header not in table.data.columns:
                continue  # ignored columns, and fields the plan did not keep
            if not match.custom_name and name not in fields:
                continue  # read only to derive a kept field (an opportunity's stage)
            if match.custom_name:
                ftype, label = plan.custom_types.get(name, FieldType.TEXT), name
            else:
                ftype, label = fields[name].type, fields[name].label
            raw = table.data[match.header].iat[pos] if pos >= 0 else None
            parsed = parsed_text(frame[name].iat[i], ftype, str(codes[i]))
            lines.append((int(row), match.header, label, raw_text(raw), parsed))
    return pd.DataFrame(lines, columns=PREVIEW_COLUMNS)
