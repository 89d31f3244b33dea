"""infer_type for custom columns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import infer_type


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["yes", "no", "Y", None], FieldType.BOOL),
        ([True, False, None], FieldType.BOOL),
        (["TRUE", "FALSE", "1", "0"], FieldType.BOOL),
        (["1", "0", "1"], FieldType.NUMBER),
        (["2027-03-15", "03/15/2027", "15 Mar 2027"], FieldType.DATE),
        ([dt.date(2027, 1, 1), dt.datetime(2027, 1, 2)], FieldType.DATE),
        ([46000, 45000], FieldType.NUMBER),
        (["$5", "10", "1.2k"], FieldType.MONEY),
        (["45.000,00 €", "1.250,5 €"], FieldType.MONEY),
        (["5", "10.5", "85%"], FieldType.NUMBER),
        ([5, 10.5], FieldType.NUMBER),
        (["001", "002", "010"], FieldType.TEXT),
        (["Acme", "Globex"], FieldType.TEXT),
        ([None, "n/a", ""], FieldType.TEXT),
        ([], FieldType.TEXT),
    ],
)
def test_infer_type(cells: list[object], expected: FieldType) -> None:
    assert infer_type(pd.Series(cells, dtype=object)) == expected


def test_ninety_percent_threshold() -> None:
    nine_in_ten = pd.Series(["5"] * 9 + ["oops"], dtype=object)
    eight_in_ten = pd.Series(["5"] * 8 + ["oops"] * 2, dtype=object)
    assert infer_type(nine_in_ten) == FieldType.NUMBER
    assert infer_type(eight_in_ten) == FieldType.TEXT


def test_missing_cells_do_not_count() -> None:
    assert infer_type(pd.Series(["5", None, "n/a", "-", "6"], dtype=object)) == FieldType.NUMBER


def test_large_column_is_sampled() -> None:
    raw = pd.Series(["$1,250.00", "USD 45,000"] * 50_000, dtype=object)
    assert infer_type(raw) == FieldType.MONEY
