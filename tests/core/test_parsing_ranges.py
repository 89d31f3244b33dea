"""Each field's sane range: the bounds are inside, a hair beyond them is out and left missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing.ranges import check_range


@pytest.mark.parametrize(
    "field,ftype,inside,outside",
    [
        ("arr", FieldType.MONEY, [-1e13, 0.0, 1e13], [1e13 + 0.01, -1e13 - 0.01, 1e17, 1e308]),
        ("unpaid_invoices", FieldType.MONEY, [1e13], [9.2e16]),
        ("seats_purchased", FieldType.NUMBER, [0.0, 5e-324, 1e13], [-1.0, -1e-300, 1e14]),
        ("mau", FieldType.NUMBER, [0.0, 340.0], [-5.0]),
        ("open_tickets", FieldType.NUMBER, [0.0, 3.0], [-1.0]),
        ("health_score", FieldType.SCORE, [0.0, 100.0], [-0.01, 100.01]),
        ("csat", FieldType.NUMBER, [0.0, 100.0], [101.0]),
        ("nps", FieldType.NUMBER, [0.0, 10.0], [10.000001, -1.0, 45.0]),
        ("nps_points", FieldType.NUMBER, [-100.0, 100.0], [-100.5, 101.0]),
        (None, FieldType.NUMBER, [-1e13, 1e13], [1.0000001e13, -1e308]),
        (None, FieldType.MONEY, [1e13], [1e15]),
    ],
)
def test_numbers_inside_kept_outside_missing(
    field: str | None, ftype: FieldType, inside: list[float], outside: list[float]
) -> None:
    values = pd.Series([*inside, *outside, math.nan, math.inf, -math.inf], dtype="float64")
    checked = check_range(field, ftype, values)
    n = len(inside)
    assert checked.values.iloc[:n].tolist() == inside
    assert checked.values.iloc[n:].isna().all()
    assert checked.outside.tolist() == [False] * n + [True] * len(outside) + [False, True, True]


def test_negative_zero_reads_as_zero() -> None:
    checked = check_range("arr", FieldType.MONEY, pd.Series([-0.0]))
    assert math.copysign(1.0, checked.values.iloc[0]) == 1.0
    assert not checked.outside.any()


def test_dates_from_1900_to_2200() -> None:
    values = pd.Series(
        pd.to_datetime(["1900-01-01", "2200-12-31", "1899-12-31", "2201-01-01", "1678-01-01", None])
    )
    for field in ("renewal_date", None):
        checked = check_range(field, FieldType.DATE, values)
        assert checked.outside.tolist() == [False, False, True, True, True, False]
        assert checked.values.isna().tolist() == [False, False, True, True, True, True]
        assert checked.values.dtype == values.dtype


def test_text_and_yes_no_have_no_range() -> None:
    texts = pd.Series(["x", None], dtype=object)
    assert check_range("name", FieldType.TEXT, texts).range is None
    assert check_range(None, FieldType.BOOL, pd.Series([True, None], dtype="boolean")).range is None
