"""Formats and the fast row-by-row table writer every workbook sheet uses.

Columns are converted once, vectorised (text escaped against formula injection, dates to Excel
serial numbers, money to floats), then the rows are written cell by cell with the right
XlsxWriter call, so a 10,000-account sheet takes well under a second.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from cspm.core.money import USD, MoneyFormat, excel_format

from .cells import escape_series, escape_text
from .safe_write import Cancelled
from .xlsx_rows import write_cells

Kind = Literal["text", "money", "date", "int", "score", "number", "percent", "priority"]

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    # A total that overflowed (inf) is written as an Excel error cell, never an exception.
    "nan_inf_to_errors": True,
    # Rows go to a temporary file as soon as the next row starts (every sheet writes its rows
    # in order), so a 100,000-account workbook needs megabytes, not gigabytes, of memory.
    "constant_memory": True,
}
IN_MEMORY_OPTIONS: dict[str, Any] = {
    **{k: v for k, v in WORKBOOK_OPTIONS.items() if k != "constant_memory"},
    "in_memory": True,
}
"""The previous writer's mode (every cell held until the end); kept so a test can check the
constant-memory workbook reads back equal to it."""

MONEY_FORMAT = excel_format(USD)  # the default; a workbook's Styles follow its currency
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
INK = "#2F3B45"
ACCENT = "#3E6A8A"
HEADER_FILL = "#DCE6EE"
BAND_FILLS = {"red": "#F4C7C0", "yellow": "#FBE5B0", "green": "#C9E4D3"}
BAND_FONTS = {"red": "#8C2A1C", "yellow": "#6B4E00", "green": "#1F5C3A"}
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
_NS_PER_DAY = 86_400 * 10**9

_NUMBER_FORMATS: dict[str, str | None] = {
    "text": None,
    "money": MONEY_FORMAT,
    "date": DATE_FORMAT,
    "int": "#,##0",
    "score": "0",
    "number": "#,##0.0",
    "percent": PERCENT_FORMAT,
    "priority": "0.0",
}
_WIDTHS: dict[str, float] = {
    "money": 13,
    "date": 11.5,
    "int": 9,
    "score": 8,
    "number": 10,
    "percent": 9,
    "priority": 9,
}


_HEADER_ALIGN: dict[str, dict[str, Any]] = {"text": {"indent": 1}, "date": {"align": "center"}}
_CELL_ALIGN: dict[str, dict[str, Any]] = {"text": {"indent": 1}, "date": {"align": "center"}}


def _cell_format(kind: str, money: MoneyFormat = USD) -> dict[str, Any]:
    fmt = excel_format(money) if kind == "money" else _NUMBER_FORMATS[kind]
    return {**({"num_format": fmt} if fmt else {}), **_CELL_ALIGN.get(kind, {})}


class Styles:
    """The workbook's formats, created once per workbook."""

    def __init__(self, wb: Workbook, money: MoneyFormat = USD) -> None:
        self.money = money  # the portfolio currency: cell and chart number formats follow it
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": INK})
        self.subtitle = wb.add_format({"italic": True, "font_color": "#5F6B75"})
        self.section = wb.add_format(
            {
                "bold": True,
                "font_size": 12,
                "font_color": ACCENT,
                "bottom": 1,
                "bottom_color": ACCENT,
            }
        )
        header = {
            "bold": True,
            "bg_color": HEADER_FILL,
            "font_color": INK,
            "bottom": 1,
            "bottom_color": "#9FB3C4",
            "text_wrap": True,
            "valign": "bottom",
        }
        self.header = wb.add_format({**header, "indent": 1})
        self.header_num = wb.add_format({**header, "align": "right"})
        self.header_by_kind: dict[str, Format] = {
            kind: wb.add_format({**header, **_HEADER_ALIGN.get(kind, {"align": "right"})})
            for kind in _NUMBER_FORMATS
        }
        self.label = wb.add_format({"font_color": "#5F6B75"})
        self.note = wb.add_format({"font_color": "#5F6B75", "indent": 1})
        self.by_kind: dict[str, Format] = {
            kind: wb.add_format(_cell_format(kind, money)) for kind in _NUMBER_FORMATS
        }
        self.strong_by_kind: dict[str, Format] = {
            kind: wb.add_format({**_cell_format(kind, money), "bold": True})
            for kind in _NUMBER_FORMATS
        }
        self.total_by_kind: dict[str, Format] = {
            kind: wb.add_format(
                {**_cell_format(kind, money), "bold": True, "top": 1, "top_color": "#9FB3C4"}
            )
            for kind in _NUMBER_FORMATS
        }
        self.band_fill = {
            band: wb.add_format({"bg_color": BAND_FILLS[band], "font_color": BAND_FONTS[band]})
            for band in BAND_FILLS
        }
        self.warn_text = wb.add_format({"font_color": "#A8641A", "bold": True})
        self.alert_text = wb.add_format({"font_color": "#B03A2E", "bold": True})


@dataclass(frozen=True)
class Column:
    """One table column: the frame field it shows, its header text and value kind."""

    field: str
    header: str
    kind: Kind = "text"
    max_width: float = 50


def excel_serials(values: pd.Series) -> list[float | None]:
    """Dates (datetime64 or date objects) as Excel serial day numbers; missing -> None."""
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    ns = stamps.to_numpy(dtype="datetime64[ns]")
    serial = (ns - _EXCEL_EPOCH).astype("int64") / _NS_PER_DAY
    out = serial.astype(object)
    out[np.isnat(ns)] = None
    return out.tolist()


def column_values(frame: pd.DataFrame, column: Column) -> list[Any]:
    """The cells of one column, ready to write: str, float, or None for blank."""
    if column.field not in frame.columns:
        return [None] * len(frame)
    series = frame[column.field]
    if column.kind == "date":
        return excel_serials(series)
    if column.kind == "text":
        if series.dtype == object or not pd.api.types.is_string_dtype(series):
            series = series.map(_plain, na_action="ignore")
        text = escape_series(series).to_numpy(dtype=object, na_value=None)
        return [v or None for v in text]
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    out = numbers.astype(object)
    out[~np.isfinite(numbers)] = None
    return out.tolist()


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def fit_width(column: Column, values: list[Any]) -> float:
    """A column width (in characters) that fits the header and the longest text, capped."""
    header = max((len(w) for w in column.header.split()), default=4) + 2
    if column.kind != "text":
        return max(_WIDTHS[column.kind], min(header, 16))
    lengths = [len(v) for v in values[:20_000] if v is not None]
    longest = max(lengths, default=0)
    return float(min(column.max_width, max(header, len(column.header) + 3, longest + 3, 8)))


def money_chart_format(largest: float, money: MoneyFormat = USD) -> str:
    """An axis/label number format in K or M (of the portfolio currency), whichever reads
    better for `largest`."""
    if abs(largest) >= 2_000_000:
        return excel_format(money, scale="M")
    if abs(largest) >= 10_000:
        return excel_format(money, scale="k")
    return excel_format(money)


def print_wide(ws: Worksheet, *, repeat_header: bool = False) -> None:
    """Print setup: landscape, one page wide, header row repeated on every printed page."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if repeat_header:
        ws.repeat_rows(0)


def write_text(ws: Worksheet, row: int, col: int, text: object, fmt: Format | None = None) -> None:
    """One text cell, escaped; an empty or missing value writes nothing."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text == "":
        return
    ws.write_string(row, col, escape_text(str(text)), fmt)


def write_table(
    ws: Worksheet,
    styles: Styles,
    top: int,
    left: int,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    set_widths: bool = True,
    cancelled: Cancelled | None = None,
) -> int:
    """Write a header row and one row per frame row; returns the last row written."""
    for c, column in enumerate(columns):
        ws.write_string(top, left + c, column.header, styles.header_by_kind[column.kind])
    cells = [column_values(frame, column) for column in columns]
    if set_widths:
        for c, (column, values) in enumerate(zip(columns, cells, strict=True)):
            ws.set_column(left + c, left + c, fit_width(column, values))
    write_cells(
        ws,
        top + 1,
        left,
        cells,
        [styles.by_kind[column.kind] for column in columns],
        [column.kind == "text" for column in columns],
        cancelled,
    )
    row = top + len(frame)
    return row


def write_pairs(
    ws: Worksheet,
    styles: Styles,
    top: int,
    rows: Sequence[tuple[str, object, str]],
) -> int:
    """Label/value rows (value kind: text, money, int, score, date...); returns the next row."""
    for i, (label, value, kind) in enumerate(rows):
        write_text(ws, top + i, 0, label, styles.label)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            write_text(ws, top + i, 1, "–")
        elif kind == "text":
            write_text(ws, top + i, 1, value)
        elif kind == "date":
            ws.write_number(
                top + i, 1, excel_serials(pd.Series([value]))[0], styles.by_kind["date"]
            )
        else:
            ws.write_number(top + i, 1, float(value), styles.by_kind[kind])  # type: ignore[arg-type]
    return top + len(rows)
