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
import re
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
ROWS_PER_CHUNK = 1000
BLOCK_ROWS = 100_000
"""Rows whose texts are worked out together (`_blocks`): a 100,000-account list in one."""
"""Rows joined into one piece of text at a time: the output never sits in memory whole, and a
piece (2.5 MB of JSON) stays small enough for the allocator to reuse its memory: 12 MB pieces
were fresh pages every time, 0.2 s more for 100,000 accounts."""
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
    unhashable; so the key is (type, value), and a list or tuple is keyed by the (type,
    value) of its items ((1,) and (1.0,) print apart too)."""
    index: dict[Any, int] = {}
    uniques: list[Any] = []
    codes = np.empty(len(values), dtype=np.intp)
    for i, v in enumerate(values):
        try:
            items = isinstance(v, list | tuple)
            key = (v.__class__, tuple((x.__class__, x) for x in v) if items else v)
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
    into the distinct texts; the last text is the missing one.

    Floats and text, most of a record's distinct values (ARRs, scores, names, IDs), skip the
    per-value `json_safe` and type dispatch: the same encoder functions mapped over the
    distinct values at once (a third of the time at 100,000 accounts)."""
    plain = _plain_distinct(col)
    if plain is not None and encode in BULK:
        codes, values, kind = plain
        body = BULK[encode][kind](values)
    else:
        codes, values = distinct(col)
        body = [encode(v) for v in values]
    texts = [*(head + t for t in body), head + missing]
    return np.where(codes < 0, len(texts) - 1, codes), texts


def _plain_distinct(col: pd.Series) -> tuple[np.ndarray, list[Any], str] | None:
    """(codes, values, kind) as `distinct` gives them for the columns most of a record's
    distinct values are in: float64 ("float": the non-NaN floats; NaN is missing), int64
    ("int"), text only ("str"), and tuples of text ("tuple", segment lists). None for any
    other column."""
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        arr = col.to_numpy().astype(np.float64, copy=False)
        codes, uniq = pd.factorize(arr.view(np.int64), use_na_sentinel=False)
        floats = np.asarray(uniq).view(np.float64)
        nan = np.isnan(floats)
        if nan.any():  # every NaN pattern is missing (code -1); the others keep their order
            keep = np.cumsum(~nan) - 1
            codes = np.where(nan[codes], -1, keep[codes])
            floats = floats[~nan]
        return np.asarray(codes), floats.tolist(), "float"
    if isinstance(dtype, np.dtype) and dtype.kind == "i":
        codes, uniq = pd.factorize(col.to_numpy(), use_na_sentinel=False)
        return np.asarray(codes), np.asarray(uniq).tolist(), "int"
    is_object = isinstance(dtype, np.dtype) and dtype.kind == "O"
    if not (is_object or isinstance(dtype, pd.StringDtype)):
        return None
    inferred = pd.api.types.infer_dtype(col, skipna=True) if is_object else "string"
    if inferred == "string":
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        return np.asarray(codes), np.asarray(uniques, dtype=object).tolist(), "str"
    if inferred == "mixed":
        # Tuples hash by their items: one of text equals only a tuple of the same text, so
        # when every distinct value is a tuple of str no row was merged with one that
        # prints differently (1 == 1.0 == True would be: `_distinct_by_type`).
        try:
            codes, uniques = pd.factorize(col.to_numpy(), use_na_sentinel=True)
        except TypeError:  # lists
            return None
        values = np.asarray(uniques, dtype=object).tolist()
        if all(type(v) is tuple and all(type(x) is str for x in v) for v in values):
            return np.asarray(codes), values, "tuple"
    return None


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
    heads = [
        ("\n  {" if i == 0 else ",") + "\n    " + json.dumps(c, ensure_ascii=False) + ": "
        for i, c in enumerate(cols)
    ]
    yield "["
    for start, block in _blocks(frame):
        parts = [_texts(block[c], h, _json_text, "null") for c, h in zip(cols, heads, strict=True)]
        ends = np.zeros(len(block), dtype=np.intp)
        ends[-1] = int(start + len(block) == n)  # the last record has no comma
        parts.append((ends, ["\n  },", "\n  }"]))
        yield from _joined(_merged(parts), len(block))
    yield "\n]"


def _blocks(frame: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first row, rows) of BLOCK_ROWS rows at a time: each column's distinct texts are held
    for one block, not for the whole frame (a million accounts' names, IDs and amounts with
    their keys were ~1 GB at once)."""
    for start in range(0, len(frame), BLOCK_ROWS):
        yield start, frame.iloc[start : start + BLOCK_ROWS]


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
    for _, block in _blocks(frame):
        parts = [_texts(block[c], "," if i else "", _csv_field, "") for i, c in enumerate(cols)]
        parts.append((np.zeros(len(block), dtype=np.intp), ["\n"]))
        yield from _joined(_merged(parts), len(block))


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


def _json_floats(values: list[float]) -> list[str]:
    texts = list(map(float.__repr__, values))
    for i in np.flatnonzero(np.isinf(np.asarray(values, dtype=np.float64))).tolist():
        texts[i] = FLOAT_TEXT[values[i]]
    return texts


def _csv_texts(values: list[str]) -> list[str]:
    return [_csv_field(v) if _CSV_SPECIAL_SEARCH(v) else v for v in values]


_CSV_SPECIAL_SEARCH = re.compile("[" + re.escape("".join(CSV_SPECIAL)) + "]").search
BULK: dict[Callable[[Any], str], dict[str, Callable[[list[Any]], list[str]]]] = {
    _json_text: {
        "float": _json_floats,
        "int": lambda v: list(map(int.__repr__, v)),
        "str": lambda v: list(map(encode_basestring, v)),
        "tuple": lambda v: list(map(_json_text, v)),
    },
    _csv_field: {
        "float": lambda v: list(map(float.__repr__, v)),
        "int": lambda v: list(map(int.__repr__, v)),
        "str": _csv_texts,
        "tuple": lambda v: list(map(_csv_field, v)),
    },
}
"""Per encoder, what it writes for many distinct floats or texts at once (`_texts`)."""
