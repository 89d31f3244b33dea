"""Missing cells: never errors, whatever the column type."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import MISSING_TOKENS, FieldType
from cspm.core.parsing import is_missing, parse_column

MISSING_CELLS = [
    None,
    math.nan,
    np.nan,
    pd.NaT,
    pd.NA,
    "",
    "   ",
    "\t",
    "n/a",
    "N/A",
    " n/a ",
    "-",
    "--",
    "#N/A",
    "TBD",
    "tbd",
    "None",
    "NULL",
    "nan",
    "#VALUE!",
    "#REF!",
    "'-",
]


@pytest.mark.parametrize("cell", MISSING_CELLS, ids=repr)
def test_is_missing_recognises_blank_and_tokens(cell: object) -> None:
    assert is_missing(pd.Series([cell], dtype=object)).tolist() == [True]


@pytest.mark.parametrize("cell", ["0", 0, 0.0, False, "x", "Acme", "-5", "n/a2", "TBD later"])
def test_is_missing_keeps_real_values(cell: object) -> None:
    assert is_missing(pd.Series([cell], dtype=object)).tolist() == [False]


def test_every_missing_token_is_missing_in_any_case() -> None:
    tokens = sorted(MISSING_TOKENS)
    cells = pd.Series([*tokens, *(t.upper() for t in tokens)], dtype=object)
    assert is_missing(cells).all()


def test_is_missing_keeps_the_index() -> None:
    raw = pd.Series(["a", None, "n/a"], index=[10, 20, 30], dtype=object)
    result = is_missing(raw)
    assert result.index.tolist() == [10, 20, 30]
    assert result.dtype == bool
    assert result.tolist() == [False, True, True]


@pytest.mark.parametrize("ftype", list(FieldType))
def test_missing_cells_are_missing_not_invalid_in_every_type(ftype: FieldType) -> None:
    parsed = parse_column(pd.Series(MISSING_CELLS, dtype=object), ftype)
    assert not parsed.invalid.any()
    assert parsed.values.isna().all()
    if ftype == FieldType.TEXT:
        assert all(v is None for v in parsed.values)


def test_missing_in_a_mixed_excel_column() -> None:
    raw = pd.Series([dt.date(2027, 1, 1), None, " ", "n/a", 5.0], dtype=object)
    assert is_missing(raw).tolist() == [False, True, True, True, False]


def test_long_whitespace_and_no_break_spaces_are_missing() -> None:
    raw = pd.Series([" " * 500, "\u00a0", "\t\n"], dtype=object)
    assert is_missing(raw).all()
