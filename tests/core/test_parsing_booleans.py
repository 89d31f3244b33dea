"""BOOL columns: only the listed spellings, anything else is invalid."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column


def _parse(cells: Sequence[object]):
    return parse_column(pd.Series(cells, dtype=object), FieldType.BOOL)


@pytest.mark.parametrize(
    "cell",
    [
        "TRUE",
        "True",
        "true",
        " yes ",
        "Yes",
        "Y",
        "y",
        "1",
        "1.0",
        "x",
        "X",
        1,
        1.0,
        True,
        np.True_,
    ],
)
def test_true_values(cell: object) -> None:
    parsed = _parse([cell])
    assert parsed.invalid.tolist() == [False]
    assert parsed.values.iloc[0] is True or parsed.values.iloc[0] == True  # noqa: E712


@pytest.mark.parametrize(
    "cell", ["FALSE", "False", "no", "NO", "N", "n", "0", "0.0", 0, 0.0, False, np.False_]
)
def test_false_values(cell: object) -> None:
    parsed = _parse([cell])
    assert parsed.invalid.tolist() == [False]
    assert parsed.values.iloc[0] == False  # noqa: E712


@pytest.mark.parametrize("cell", ["maybe", "t", "f", "2", 2, 0.5, "yes!", "01/01/2027"])
def test_anything_else_is_invalid(cell: object) -> None:
    parsed = _parse([cell, "yes"])
    assert parsed.invalid.tolist() == [True, False]
    assert parsed.values.isna().tolist() == [True, False]


def test_dtype_is_nullable_boolean_with_na_for_missing() -> None:
    raw = pd.Series(["yes", None, "n/a", "no"], index=list("abcd"), dtype=object)
    parsed = parse_column(raw, FieldType.BOOL)
    assert parsed.values.dtype == "boolean"
    assert parsed.values.index.tolist() == list("abcd")
    assert parsed.values.isna().tolist() == [False, True, True, False]
    assert parsed.invalid.tolist() == [False] * 4


def test_ones_and_trues_are_read_separately() -> None:
    parsed = _parse([True, 1, 1.0, False, 0])
    assert parsed.values.tolist() == [True, True, True, False, False]
