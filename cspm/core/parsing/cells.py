"""A column's cells reduced to their distinct values, each with a kind and a digit-shape.

Every parser works on distinct values, not on cells: a 100,000-row column usually holds far fewer
distinct values, and the per-value work is then broadcast back with one `np.take`.

The *shape* of a text cell is the text with every ASCII digit replaced by "9" ("$1,250.00" ->
"$9,999.99"). Cells of one shape have the same length and the same non-digit characters in the
same places, so a parser decides once per shape what the cell means (currency, sign, separators,
date layout) and then reads the digits of all cells of that shape at fixed positions with numpy
(`Cells.char_matrix`). A column of money or dates has a handful of shapes however many values it
holds, which is what makes parsing vectorised without a regex per cell.
"""

from __future__ import annotations

import datetime as dt
import decimal
import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from cspm.core.fields import MISSING_TOKENS

_SEP = "\x1f"  # joins distinct texts into one string for a single C-level translate
_DIGITS_TO_9 = bytes.maketrans(b"0123456789", b"9999999999")
_STR_DIGITS_TO_9 = str.maketrans("0123456789", "9999999999")
# infer_dtype answers for which no bool can hide among numbers (True == 1 would merge them).
_NO_HIDDEN_BOOLS = frozenset(
    {
        "string",
        "empty",
        "floating",
        "integer",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "datetime",
        "datetime64",
        "date",
        "time",
    }
)
_LONGEST_TOKEN = max(len(t) for t in MISSING_TOKENS) + 1  # +1 for an export apostrophe


class Kind(IntEnum):
    """What a distinct cell is, by its Python type."""

    STR = 0
    NUM = 1
    BOOL = 2
    DATETIME = 3
    DATE = 4
    TIME = 5
    OTHER = 6


# infer_dtype answers that mean every distinct value has the same kind.
_UNIFORM_KINDS = {
    "string": Kind.STR,
    "floating": Kind.NUM,
    "integer": Kind.NUM,
    "mixed-integer-float": Kind.NUM,
}


class _BoolCell:
    """Stands in for a bool while factorising: True == 1 == 1.0 would otherwise merge them."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value


_BOOL_CELLS = np.array([_BoolCell(False), _BoolCell(True)], dtype=object)


def _kind_of(t: type) -> Kind:
    if issubclass(t, str):
        return Kind.STR
    if issubclass(t, bool | np.bool_ | _BoolCell):
        return Kind.BOOL
    if issubclass(t, dt.datetime | np.datetime64):
        return Kind.DATETIME
    if issubclass(t, dt.date):
        return Kind.DATE
    if issubclass(t, dt.time):
        return Kind.TIME
    if issubclass(t, numbers.Real | decimal.Decimal):
        return Kind.NUM
    return Kind.OTHER


def strip_export_apostrophe(text: pd.Series) -> pd.Series:
    """Drop the apostrophe our exports put before "=", "+", "-", "@" (formula-injection guard).

    `text` must already be trimmed; only the few cells starting with "'" pay for the regex.
    """
    quoted = text.str.startswith("'")
    if not quoted.any():
        return text
    out = text.copy()
    out.loc[quoted] = text.loc[quoted].str.replace(r"^'(?=[=+\-@])", "", regex=True)
    return out


def missing_texts(texts: pd.Series) -> np.ndarray:
    """Bool per text: blank, whitespace or a MISSING_TOKENS word (trimmed, case-insensitive)."""
    out = np.array((texts.str.len() == 0) | texts.str.isspace(), dtype=bool)
    short = (texts.str.len() <= _LONGEST_TOKEN + 20).to_numpy(dtype=bool)  # tokens are short
    if short.any():
        t = strip_export_apostrophe(texts[short].str.strip()).str.casefold()
        out[short] |= t.isin(MISSING_TOKENS).to_numpy(dtype=bool)
    return out


def digit_shapes(texts: list[str]) -> list[str]:
    """Each text with its ASCII digits replaced by "9", in one C-level pass over all of them."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) == len(texts) - 1:
        data = joined.encode("utf-8", "surrogatepass").translate(_DIGITS_TO_9)
        return data.decode("utf-8", "surrogatepass").split(_SEP)
    return [t.translate(_STR_DIGITS_TO_9) for t in texts]  # a text holds the separator itself


def _numeric_if_plain(data: np.ndarray, inferred: str) -> np.ndarray:
    """A purely numeric object column as a numpy number array: hashing it is 10x cheaper."""
    try:
        if inferred in ("floating", "mixed-integer-float"):
            return data.astype(np.float64)  # Excel numbers are doubles: nothing is lost
        if inferred == "integer":
            return data.astype(np.int64)
    except (OverflowError, TypeError, ValueError):  # ints beyond int64 stay Python ints
        pass
    return data


@dataclass(frozen=True)
class Cells:
    """The distinct cells of one column and how each maps back to the rows."""

    index: pd.Index
    codes: np.ndarray  # per row: position in `values`, -1 for None/NaN/NaT/NA
    values: np.ndarray  # object array of the distinct cells
    counts: np.ndarray  # per distinct value: how many rows hold it
    kind: np.ndarray  # per distinct value: a Kind
    shape_codes: np.ndarray  # per distinct value: position in `shapes`, -1 unless Kind.STR
    shapes: list[str]  # distinct digit-shapes of the text cells
    missing: np.ndarray  # per distinct value: a text meaning "no value"

    @classmethod
    def of(cls, raw: pd.Series) -> Cells:
        """Factorise `raw` (any dtype; normally object cells as read from a sheet)."""
        data = raw.to_numpy(dtype=object)
        inferred = infer_dtype(data, skipna=True)
        if inferred not in _NO_HIDDEN_BOOLS:
            types = pd.Series(data).map(type)
            is_bool = types.isin([bool, np.bool_]).to_numpy(dtype=bool)
            if is_bool.any():
                data = data.copy()
                data[is_bool] = _BOOL_CELLS[data[is_bool].astype(bool).astype(np.intp)]
        codes, uniques = pd.factorize(_numeric_if_plain(data, inferred), use_na_sentinel=True)
        values = np.asarray(uniques, dtype=object)
        kind = np.empty(len(values), dtype=np.int8)
        uniform = _UNIFORM_KINDS.get(infer_dtype(values, skipna=False))
        if uniform is not None:
            kind[:] = uniform
        else:
            types = pd.Series(values, dtype=object).map(type)
            for t in types.unique():  # a handful of Python types per column
                kind[(types == t).to_numpy()] = _kind_of(t)
        is_sentinel = kind == Kind.BOOL
        if is_sentinel.any():
            values[is_sentinel] = [
                v.value if isinstance(v, _BoolCell) else bool(v) for v in values[is_sentinel]
            ]
        counts = np.bincount(codes[codes >= 0], minlength=len(values))

        shape_codes = np.full(len(values), -1, dtype=np.intp)
        missing = np.zeros(len(values), dtype=bool)
        is_str = kind == Kind.STR
        shapes: list[str] = []
        if is_str.any():
            texts = list(values[is_str])  # str or np.str_, both join and translate alike
            s_codes, s_uniques = pd.factorize(np.asarray(digit_shapes(texts), dtype=object))
            shapes = list(s_uniques)
            shape_codes[is_str] = s_codes
            # A missing token has no digits, so it is its own shape: test shapes, not values.
            missing[is_str] = missing_texts(pd.Series(shapes, dtype=object))[s_codes]
        return cls(raw.index, codes, values, counts, kind, shape_codes, shapes, missing)

    def of_kind(self, kind: Kind) -> np.ndarray:
        """Positions of the distinct values of `kind` (text cells meaning "missing" excluded)."""
        return np.flatnonzero((self.kind == kind) & ~self.missing)

    def shape_groups(self) -> Iterator[tuple[str, np.ndarray]]:
        """(shape, positions of the distinct non-missing texts of that shape), shape by shape."""
        live = np.flatnonzero((self.shape_codes >= 0) & ~self.missing)
        if not len(live):
            return
        order = live[np.argsort(self.shape_codes[live], kind="stable")]
        sorted_codes = self.shape_codes[order]
        bounds = np.flatnonzero(np.diff(sorted_codes)) + 1
        for group in np.split(order, bounds):
            yield self.shapes[self.shape_codes[group[0]]], group

    def char_matrix(self, positions: np.ndarray, width: int) -> np.ndarray:
        """The texts at `positions` (all `width` long) as a (n, width) array of code points."""
        arr = np.array(list(self.values[positions]), dtype=f"<U{max(width, 1)}")
        return arr.view(np.uint32).reshape(len(positions), max(width, 1))

    def weight(self, positions: np.ndarray) -> int:
        """How many rows hold the distinct values at `positions`."""
        return int(self.counts[positions].sum())

    def spread(self, per_value: np.ndarray, fill: object) -> np.ndarray:
        """Per-row array from a per-distinct-value array; rows with no cell get `fill`."""
        extended = np.empty(len(per_value) + 1, dtype=per_value.dtype)
        extended[:-1] = per_value
        extended[-1] = fill
        return extended[self.codes]  # code -1 picks the appended fill


def digits_value(matrix: np.ndarray, columns: list[int]) -> np.ndarray:
    """The integer spelled by the digit characters at `columns` of each row (int64)."""
    if not columns:
        return np.zeros(len(matrix), dtype=np.int64)
    digits = matrix[:, columns].astype(np.int64) - 48
    weights = 10 ** np.arange(len(columns) - 1, -1, -1, dtype=np.int64)
    return digits @ weights
