"""A result frame as terminal text (JSON, CSV, the aligned table), a whole column at a time.

Why: writing 100,000 accounts record by record (a dict per row, `_json_value` per cell, the
pure-Python JSON encoder) took 15 s. Here each column is factorised once, each DISTINCT value is
encoded once by the very function the record writer uses (`cli_format.json_safe`, `json.dumps`,
the csv module), and every row is assembled from those pieces by one `str.join`. The text is
the same, byte for byte, as the record-by-record writers' (tests/cli/test_frame_output.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

import numpy as np
import pandas as pd

from cspm.cli_format import (
    ACCOUNT_JSON_COLUMNS,
    cell_text,
    is_money_column,
    json_safe,
    record_columns,
)
from cspm.core.money import USD, MoneyFormat

FLOAT_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}
"""The JSON encoder's words for the floats it does not write by `repr` (NaN is None here)."""
CSV_SPECIAL = (",", '"', "\n", "\r")
"""Characters that make the csv module quote a field (QUOTE_MINIMAL, "\n" line ends)."""
ROWS_PER_CHUNK = 5000
"""Rows joined into one piece of text at a time: the output never sits in memory whole."""
MERGE_LIMIT = 1 << 16
"""Neighbouring columns are written as one piece when their distinct texts multiplied stay
within this (`_merged`): few enough combinations to join once each."""


def distinct(col: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, values): the column's distinct values as plain Python values (as `json_safe`
    gives them) and each row's index into them; -1 is missing (None).

    Numbers and dates are told apart by their bits (so -0.0 stays apart from 0.0) in one hash
    pass, not a sort: every NaN or NaT pattern becomes None through `json_safe` all the same."""
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiubM":
        arr = col.to_numpy()
        if dtype.kind == "f":
            arr = arr.astype(np.float64, copy=False)
        bits = arr.view(np.int64) if dtype.kind in "fM" else arr
        codes, uniq = pd.factorize(bits, use_na_sentinel=False)
        if dtype.kind == "f":
            values = np.asarray(uniq).view(np.float64).tolist()
        elif dtype.kind == "M":
            values = list(pd.DatetimeIndex(np.asarray(uniq).view(dtype)).astype(object))
        else:
            values = np.asarray(uniq).tolist()
        return np.asarray(codes), [json_safe(v) for v in values]
    if isinstance(dtype, pd.Float64Dtype | pd.Float32Dtype):
        return distinct(pd.Series(col.to_numpy(dtype=np.float64, na_value=np.nan)))
    is_object = isinstance(dtype, np.dtype) and dtype.kind == "O"
    if is_object and pd.api.types.infer_dtype(col, skipna=True) not in ("string", "empty"):
        return _distinct_by_type(col.to_numpy())
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes), [json_safe(v) for v in np.asarray(uniques, dtype=object)]


def _distinct_by_type(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Mixed Python objects: 1, 1.0 and True are equal as keys but print apart, lists are
    unhashable; so the key is (type, value) and a list is keyed by its tuple."""
    index: dict[Any, int] = {}
    uniques: list[Any] = []
    codes = np.empty(len(values), dtype=np.intp)
    for i, v in enumerate(values):
        try:
            key = (v.__class__, tuple(v) if isinstance(v, list) else v)
            code = index.setdefault(key, len(uniques))
        except TypeError:
            code = len(uniques)
        if code == len(uniques):
            uniques.append(json_safe(v))
        codes[i] = code
    return codes, uniques


def _texts(
    col: pd.Series, head: str, encode: Callable[[Any], str], missing: str
) -> tuple[np.ndarray, list[str]]:
    """(codes, texts): each row's `head` + encoded text of the column, as an index (>= 0)
    into the distinct texts; the last text is the missing one."""
    codes, values = distinct(col)
    texts = [*(head + encode(v) for v in values), head + missing]
    return np.where(codes < 0, len(texts) - 1, codes), texts


def _merged(columns: list[tuple[np.ndarray, list[str]]]) -> list[np.ndarray]:
    """Each row's text of neighbouring columns joined into one piece wherever the columns
    together take few distinct values (a run of empty related fields, tier and its source):
    fewer, shared strings for the row-by-row join, which costs per piece. The same text."""
    out: list[np.ndarray] = []
    codes, texts = columns[0]
    for more_codes, more_texts in columns[1:]:
        k = len(more_texts)
        if len(texts) * k <= MERGE_LIMIT:
            both, seen = pd.factorize(codes * k + more_codes)
            texts = [texts[c // k] + more_texts[c % k] for c in np.asarray(seen).tolist()]
            codes = np.asarray(both)
        else:
            out.append(np.array(texts, dtype=object)[codes])
            codes, texts = more_codes, more_texts
    out.append(np.array(texts, dtype=object)[codes])
    return out


def _joined(columns: list[np.ndarray], n: int) -> Iterator[str]:
    for start in range(0, n, ROWS_PER_CHUNK):
        block = np.stack([c[start : start + ROWS_PER_CHUNK] for c in columns], axis=1)
        yield "".join(block.ravel().tolist())


def _json_text(v: Any) -> str:
    """`v` as the JSON encoder writes it at a record field's depth (the encoder's own
    functions for text and numbers; `json.dumps` for the rest, lists re-indented)."""
    kind = type(v)
    if kind is str:
        return encode_basestring(v)
    if kind is float:
        return FLOAT_TEXT.get(v) or float.__repr__(v)
    if kind is bool:
        return "true" if v else "false"
    if kind is int:
        return int.__repr__(v)
    return json.dumps(v, indent=2, ensure_ascii=False).replace("\n", "\n    ")


def iter_json(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[str]:
    """`json.dumps(frame_records(frame, columns), indent=2, ensure_ascii=False)` in pieces."""
    cols = record_columns(frame, columns)
    n = len(frame)
    if n == 0 or not cols:
        yield "[]" if n == 0 else "[" + ",".join(["\n  {}"] * n) + "\n]"
        return
    parts = []
    for i, c in enumerate(cols):
        head = ("\n  {" if i == 0 else ",") + "\n    " + json.dumps(c, ensure_ascii=False) + ": "
        parts.append(_texts(frame[c], head, _json_text, "null"))
    ends = np.zeros(n, dtype=np.intp)
    ends[-1] = 1
    parts.append((ends, ["\n  },", "\n  }"]))
    yield "["
    yield from _joined(_merged(parts), n)
    yield "\n]"


def _csv_field(v: Any) -> str:
    """One field as the csv module writes it among others (quoted only when it must be)."""
    kind = type(v)
    if kind is str and not any(ch in v for ch in CSV_SPECIAL):
        return v
    if kind is float or kind is int or kind is bool:
        return str(v)  # what the writer writes for numbers (repr for floats, the same text)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v, ""])
    return buf.getvalue()[:-2]


def iter_csv(
    frame: pd.DataFrame, columns: Sequence[str], empty_header: Sequence[str]
) -> Iterator[str]:
    """The csv `format_records` writes for `frame_records(frame, columns)`, in pieces;
    `empty_header`: the header it writes when there are no rows."""
    cols = record_columns(frame, columns)
    n = len(frame)
    yield ",".join(_csv_field(c) for c in (cols if n else empty_header)) + "\n"
    if n == 0:
        return
    if len(cols) == 1:  # the csv module quotes a lone empty field: let it write them all
        yield "".join(_csv_field(v)[:-1] + "\n" for v in frame[cols[0]].astype(object))
        return
    parts = []
    for i, c in enumerate(cols):
        sep = "" if i == 0 else ","
        parts.append(_texts(frame[c], sep, _csv_field, ""))
    parts.append((np.zeros(n, dtype=np.intp), ["\n"]))
    yield from _joined(_merged(parts), n)


def frame_pieces(
    frame: pd.DataFrame,
    fmt: str,
    table_columns: Sequence[str],
    money: MoneyFormat = USD,
    columns: Sequence[str] | None = None,
) -> Iterator[str]:
    """`format_records(frame_records(frame, columns), fmt, table_columns, money)` in pieces,
    for a command's result frame; `columns`: the record keys' order (default: the account
    output's, then the frame's other columns)."""
    keys = ACCOUNT_JSON_COLUMNS if columns is None else columns
    if fmt == "json":
        yield from iter_json(frame, keys)
    elif fmt == "csv":
        yield from iter_csv(frame, keys, table_columns)
    else:
        yield table_text(frame, table_columns, money)


def table_text(
    frame: pd.DataFrame,
    columns: Sequence[str],
    money: MoneyFormat = USD,
    cells: dict[str, np.ndarray] | None = None,
) -> str:
    """`text_table(frame_records(frame), columns, money)`; `cells`: a column's cell text
    given whole (None where the frame's value is shown)."""
    n = len(frame)
    if n == 0:
        return "(none)"
    texts = []
    for c in columns:
        if c not in frame.columns:
            texts.append(np.full(n, "", dtype=object))
            continue
        m = money if is_money_column(c) else None
        codes, values = distinct(frame[c])
        col = np.array([*(cell_text(v, m) for v in values), ""], dtype=object)[codes]
        given = (cells or {}).get(c)
        if given is not None:
            col = np.where(pd.isna(given), col, given)
        texts.append(col)
    header = [c.replace("_", " ") for c in columns]
    widths = [
        min(max(len(h), max(map(len, set(t.tolist())))), 40)
        for h, t in zip(header, texts, strict=True)
    ]
    padded = []
    for i, (t, w) in enumerate(zip(texts, widths, strict=True)):
        sep = "" if i == 0 else "  "
        fit = {s: sep + s[:w].ljust(w) for s in set(t.tolist())}
        padded.append(np.array([fit[s] for s in t.tolist()], dtype=object))

    def line(cells_: Sequence[str]) -> str:
        return "  ".join(s[:w].ljust(w) for s, w in zip(cells_, widths, strict=True)).rstrip()

    block = np.stack(padded, axis=1).tolist()
    out = [line(header), line(["-" * w for w in widths])]
    out.extend("".join(row).rstrip() for row in block)
    out.append(f"({n} rows)")
    return "\n".join(out)
