"""TEXT columns: trimmed strings; Excel numbers and dates written as the user sees them."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column


def _text(cells: list[object]) -> list[object]:
    parsed = parse_column(pd.Series(cells, dtype=object), FieldType.TEXT)
    assert not parsed.invalid.any()
    assert parsed.values.dtype == object
    return parsed.values.tolist()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Acme Corp ", "Acme Corp"),
        ("00123", "00123"),
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+44 20 7946 0000", "+44 20 7946 0000"),
        ("'-5", "-5"),
        ("'@handle", "@handle"),
        ("'quoted", "'quoted"),
        (12345.0, "12345"),
        (12345, "12345"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (-3.0, "-3"),
        (2**60, "1152921504606846976"),
        (np.int64(42), "42"),
        (decimal.Decimal("2.50"), "2.5"),
        (True, "TRUE"),
        (False, "FALSE"),
        (dt.datetime(2027, 3, 15), "2027-03-15"),
        (pd.Timestamp("2027-03-15"), "2027-03-15"),
        (dt.date(2027, 3, 15), "2027-03-15"),
        (dt.datetime(2027, 3, 15, 10, 30), "2027-03-15 10:30:00"),
        (dt.time(10, 30), "10:30:00"),
    ],
)
def test_text_cells(cell: object, expected: str) -> None:
    assert _text([cell]) == [expected]


def test_missing_text_is_none() -> None:
    assert _text([None, float("nan"), "", "  ", "n/a", "TBD"]) == [None] * 6


def test_index_is_kept_and_values_are_str_or_none() -> None:
    raw = pd.Series(["a", 1.0, None], index=[3, 1, 2], dtype=object)
    parsed = parse_column(raw, FieldType.TEXT)
    assert parsed.values.index.tolist() == [3, 1, 2]
    assert parsed.values.tolist() == ["a", "1", None]
    assert parsed.invalid.dtype == bool


def test_pandas_str_dtype_input() -> None:
    raw = pd.Series([" a ", None, "b"])  # pandas 3 infers the str dtype here
    assert parse_column(raw, FieldType.TEXT).values.tolist() == ["a", None, "b"]
