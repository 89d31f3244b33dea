"""The record-by-record `cspm accounts` writers as they were before the column-wise ones
(cspm/cli_frames.py), kept verbatim as the reference the new output must equal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cspm.cli_format import ACCOUNT_JSON_COLUMNS, is_money_column
from cspm.commands.accounts import RELATED_TABLE_COLUMNS, TABLE_COLUMNS
from cspm.core.currency import unconverted_text
from cspm.core.field_labels import is_percent, percent_text
from cspm.core.money import USD, MoneyFormat, full_one


def _json_value(v: Any) -> Any:
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return _json_value(v.item())
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return v
    return v


def frame_records(
    frame: pd.DataFrame, columns: Sequence[str] = ACCOUNT_JSON_COLUMNS
) -> list[dict[str, Any]]:
    cols = [c for c in columns if c in frame.columns]
    extra = [c for c in frame.columns if c not in cols and c not in ACCOUNT_JSON_COLUMNS]
    arrays = {c: frame[c].astype(object).to_numpy() for c in [*cols, *extra]}
    out = []
    for i in range(len(frame)):
        out.append({c: _json_value(arrays[c][i]) for c in arrays})
    return out


def _cell(v: Any, money: MoneyFormat | None = None) -> str:
    if v is None:
        return ""
    if money is not None and isinstance(v, int | float) and not isinstance(v, bool):
        return full_one(float(v), money)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 or v.is_integer() else f"{v:,.2f}"
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    return str(v)


def format_records(
    records: list[dict[str, Any]],
    fmt: str,
    table_columns: Sequence[str],
    money: MoneyFormat = USD,
) -> str:
    if fmt == "json":
        safe = [{k: _json_value(v) for k, v in r.items()} for r in records]
        return json.dumps(safe, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buf = io.StringIO()
        cols = list(records[0]) if records else list(table_columns)
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
        return buf.getvalue()
    return text_table(records, table_columns, money)


def text_table(
    records: list[dict[str, Any]], columns: Sequence[str], money: MoneyFormat = USD
) -> str:
    if not records:
        return "(none)"
    header = [c.replace("_", " ") for c in columns]
    as_money = [money if is_money_column(c) else None for c in columns]
    rows = [[_cell(r.get(c), m) for c, m in zip(columns, as_money, strict=True)] for r in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    widths = [min(w, 40) for w in widths]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    out.append(f"({len(records)} rows)")
    return "\n".join(out)


def accounts_text(frame: pd.DataFrame, fmt: str, money: MoneyFormat) -> str:
    """What `cspm accounts --format FMT` printed for the listed frame (the old handler)."""
    records = frame_records(frame)
    columns = TABLE_COLUMNS
    if fmt == "table":
        for r in records:
            if r.get("arr") is None and r.get("arr_unconverted") is not None:
                r["arr"] = unconverted_text(r["arr_unconverted"], r.get("currency"), money)
        related = [c for c in RELATED_TABLE_COLUMNS if any(r.get(c) is not None for r in records)]
        columns = [*TABLE_COLUMNS[:-1], *related, TABLE_COLUMNS[-1]]
        for c in related:
            if is_percent(c):
                for r in records:
                    r[c] = None if r.get(c) is None else percent_text(r[c])
    if fmt == "csv":
        for r in records:
            r["segments"] = "; ".join(r.get("segments") or [])
    text = format_records(records, fmt, columns, money)
    return text if text.endswith("\n") else text + "\n"
