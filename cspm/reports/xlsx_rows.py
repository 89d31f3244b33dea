"""Table rows straight to a constant-memory worksheet's row file, as XlsxWriter writes them.

XlsxWriter spends ~8 µs a cell (a call, checks, a tuple, a row flush, attribute escaping);
a 100,000-account workbook has millions of cells. A table's rows are all alike (one format per
column, numbers or already escaped text, no row formats), so in constant-memory mode their XML
can be written here in one pass: byte for byte what XlsxWriter's own row flush writes (a test
compares the sheet XML of both). Anything unusual (a row with a height, text XlsxWriter would
truncate or treat as rich text, another Excel version) goes through XlsxWriter's calls instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter import worksheet as xw_worksheet
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .safe_write import Cancelled, check_cancelled

_STRING_LIMIT = 16_383  # longer text may need XlsxWriter's UTF-16 truncation
_KEEP_TAILS = 20_000
"""Distinct text values per column whose cell XML is kept (names and keys are all distinct:
keeping theirs would cost memory and save nothing)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # XlsxWriter writes these as _xHHHH_


def write_cells_one_by_one(
    ws: Worksheet,
    top: int,
    left: int,
    cells: Sequence[list[Any]],
    formats: Sequence[Format | None],
    texts: Sequence[bool],
    cancelled: Cancelled | None = None,
) -> None:
    """Rows top, top+1, ... through XlsxWriter's own write calls (any mode)."""
    writers: list[Callable[..., Any]] = [
        ws.write_string if text else ws.write_number for text in texts
    ]
    for i, row_values in enumerate(zip(*cells, strict=True)):
        row = top + i
        if cancelled is not None and i % 2000 == 1999:
            check_cancelled(cancelled)
        for c, value in enumerate(row_values):
            if value is not None:
                writers[c](row, left + c, value, formats[c])


def _streamable(ws: Worksheet, top: int, count: int, cells: Sequence[list[Any]]) -> bool:
    if not getattr(ws, "constant_memory", False) or getattr(ws, "excel_version", 2007) != 2007:
        return False
    if not hasattr(ws, "_write_single_row") or getattr(ws, "row_data_fh", None) is None:
        return False
    if top <= ws.previous_row:  # type: ignore[attr-defined]
        return False
    busy = set(ws.row_info) | set(ws.comments)  # type: ignore[attr-defined]
    if any(top <= r < top + count for r in busy):
        return False
    for values in cells:
        for v in set(values):  # each distinct value once (tiers, owners, stages repeat)
            if isinstance(v, str) and (
                len(v) > _STRING_LIMIT
                or "_x" in v
                or (v.startswith("<r>") and v.endswith("</r>"))
                or _CONTROL.search(v)
                or "\ufffe" in v
                or "\uffff" in v
            ):
                return False
    return True


def _text_tail(style: str, value: str) -> str:
    """A text cell's XML after its reference (`<c r="B7"` + this): the same for every cell of
    a column holding the same value, so it is made once per distinct value."""
    preserve = ' xml:space="preserve"' if xw_worksheet._preserve_whitespace(value) else ""
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{style} t="inlineStr"><is><t{preserve}>{value}</t></is></c>'


def write_cells(
    ws: Worksheet,
    top: int,
    left: int,
    cells: Sequence[list[Any]],
    formats: Sequence[Format | None],
    texts: Sequence[bool],
    cancelled: Cancelled | None = None,
) -> None:
    """Rows top, top+1, ... of `cells` (one list per column; None leaves a cell blank; text
    already escaped against formulas), each column in its format, text or number."""
    count = len(cells[0]) if cells else 0
    if count == 0 or not _streamable(ws, top, count, cells):
        write_cells_one_by_one(ws, top, left, cells, formats, texts, cancelled)
        return
    # The last row with a value stays with XlsxWriter: it is flushed later (at the next write
    # or at close), after settings such as a data bar that change how a row is written.
    tail = max((i for i in range(count) if any(v[i] is not None for v in cells)), default=0)
    ws._opt_reopen()  # type: ignore[attr-defined]
    ws._write_single_row(top)  # type: ignore[attr-defined]  # flushes the rows above (header)
    letters = [xl_col_to_name(left + c) for c in range(len(cells))]
    styles = [f' s="{f._get_xf_index()}"' if f is not None else "" for f in formats]
    tails: list[dict[str, str]] = [{} for _ in cells]
    columns = list(zip(letters, styles, texts, tails, strict=True))
    write = ws.fh.write
    first, last = -1, -1
    parts: list[str] = []
    for i, row_values in enumerate(zip(*(values[:tail] for values in cells), strict=True)):
        if cancelled is not None and i % 2000 == 1999:
            check_cancelled(cancelled)
        number = top + i + 1
        parts.clear()
        for (letter, style, text, made), value in zip(columns, row_values, strict=True):
            if value is None:
                continue
            if text:
                tail_xml = made.get(value)
                if tail_xml is None:
                    tail_xml = _text_tail(style, value)
                    if len(made) < _KEEP_TAILS:
                        made[value] = tail_xml
                parts.append(f'<c r="{letter}{number}"{tail_xml}')
            else:
                parts.append(f'<c r="{letter}{number}"{style}><v>{value:.16G}</v></c>')
        if parts:
            write(f'<row r="{number}">{"".join(parts)}</row>')
            first = i if first < 0 else first
            last = i
    if last >= 0:
        used = [c for c, values in enumerate(cells) if any(v is not None for v in values[:tail])]
        for row, col in ((top + first, used[0]), (top + last, used[0]), (top + last, used[-1])):
            ws._check_dimensions(row, left + col)  # type: ignore[attr-defined]
        ws.previous_row = top + last  # type: ignore[attr-defined]
    rest = [values[tail:] for values in cells]
    write_cells_one_by_one(ws, top + tail, left, rest, formats, texts)
