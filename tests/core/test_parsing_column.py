"""parse_column's contract: dtypes, index alignment and inputs of any dtype."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import ParsedColumn, parse_column

EXPECTED_DTYPES = {
    FieldType.MONEY: "float64",
    FieldType.NUMBER: "float64",
    FieldType.SCORE: "float64",
    FieldType.DATE: "datetime64[ns]",
    FieldType.BOOL: "boolean",
    FieldType.TEXT: "object",
}


@pytest.mark.parametrize("ftype", list(FieldType))
@pytest.mark.parametrize("cells", [[], [None, None], ["n/a"]], ids=["empty", "none", "token"])
def test_dtypes_hold_even_without_values(ftype: FieldType, cells: list[object]) -> None:
    parsed = parse_column(pd.Series(cells, dtype=object), ftype)
    assert isinstance(parsed, ParsedColumn)
    assert str(parsed.values.dtype) == EXPECTED_DTYPES[ftype]
    assert parsed.invalid.dtype == bool
    assert len(parsed.values) == len(parsed.invalid) == len(cells)


@pytest.mark.parametrize("ftype", list(FieldType))
def test_index_is_kept(ftype: FieldType) -> None:
    raw = pd.Series(["1", None, "zzz", "1"], index=[40, 10, 30, 20], dtype=object)
    parsed = parse_column(raw, ftype)
    assert parsed.values.index.equals(raw.index)
    assert parsed.invalid.index.equals(raw.index)


def test_typed_inputs_are_accepted() -> None:
    floats = pd.Series([1.5, np.nan, 3.0])
    assert parse_column(floats, FieldType.NUMBER).values.tolist()[::2] == [1.5, 3.0]
    strings = pd.Series(["$5", None, "6"])  # pandas 3 str dtype
    assert parse_column(strings, FieldType.MONEY).values.tolist()[::2] == [5.0, 6.0]
    stamps = pd.Series(pd.to_datetime(["2027-03-15 10:00", None]))
    parsed = parse_column(stamps, FieldType.DATE)
    assert parsed.values.iloc[0] == pd.Timestamp("2027-03-15")
    bools = pd.Series([True, False])
    assert parse_column(bools, FieldType.BOOL).values.tolist() == [True, False]


def test_field_type_may_be_given_as_its_value() -> None:
    assert parse_column(pd.Series(["5"], dtype=object), "number").values.tolist() == [5.0]  # type: ignore[arg-type]


def test_repeated_values_parse_like_single_ones() -> None:
    cells = ["$1,250.00", "n/a", "USD 45,000", "oops", None, "(1,000)"]
    once = parse_column(pd.Series(cells, dtype=object), FieldType.MONEY)
    many = parse_column(pd.Series(cells * 1000, dtype=object), FieldType.MONEY)
    assert many.values.iloc[:6].equals(once.values)
    assert many.invalid.sum() == 1000
