"""MONEY, NUMBER and SCORE columns."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column


def _parse(cells: Sequence[object], ftype: FieldType = FieldType.MONEY, **kw: object):
    return parse_column(pd.Series(cells, dtype=object), ftype, **kw)  # type: ignore[arg-type]


def _one(cell: object, ftype: FieldType = FieldType.MONEY, **kw: object) -> float:
    parsed = _parse([cell], ftype, **kw)
    assert not parsed.invalid.iloc[0], f"{cell!r} was marked invalid"
    return float(parsed.values.iloc[0])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$1,250.00", 1250.0),
        ("USD 45,000", 45000.0),
        ("45,000 USD", 45000.0),
        ("usd 10", 10.0),
        ("€1.200", 1200.0),
        ("1.2k", 1200.0),
        ("1.1k", 1100.0),
        ("45K USD", 45000.0),
        ("1.5M", 1_500_000.0),
        ("2bn", 2e9),
        ("2B", 2e9),
        ("(1,000)", -1000.0),
        ("($1,000)", -1000.0),
        ("-1,000", -1000.0),
        ("-$1,000", -1000.0),
        ("$-1,000", -1000.0),
        ("1000-", -1000.0),
        ("\u22125", -5.0),
        ("'-5", -5.0),
        ("45.000,00 €", 45000.0),
        ("1 250,50", 1250.5),
        ("1\u00a0250,50", 1250.5),
        ("1\u202f250", 1250.0),
        ("£999.99", 999.99),
        ("¥300", 300.0),
        ("CHF 1'250.00", 1250.0),
        ("CHF 1\u2019250.00", 1250.0),
        ("US$ 12", 12.0),
        ("1,25,000", 125000.0),
        ("1.23E+05", 123000.0),
        ("  $5  ", 5.0),
        ("0.5", 0.5),
        (".5", 0.5),
        (1250, 1250.0),
        (1250.5, 1250.5),
        (np.float64(7.25), 7.25),
    ],
)
def test_money_cells(cell: object, expected: float) -> None:
    assert _one(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["abc", "85%", True, False, "1,2,3", "1.2.3", "$", "(1,000", "--5", "1 2", dt.date(2027, 1, 1)],
)
def test_unreadable_money_is_invalid_and_missing(cell: object) -> None:
    parsed = _parse([cell, "$5"])
    assert parsed.invalid.tolist() == [True, False]
    assert math.isnan(parsed.values.iloc[0])


def test_output_is_float64_with_the_input_index() -> None:
    raw = pd.Series(["$1", None, "x"], index=["a", "b", "c"], dtype=object)
    parsed = parse_column(raw, FieldType.MONEY)
    assert parsed.values.dtype == np.float64
    assert parsed.invalid.dtype == bool
    assert parsed.values.index.tolist() == ["a", "b", "c"]
    assert parsed.invalid.index.tolist() == ["a", "b", "c"]


# --- the decimal mark, decided per column --------------------------------------------------


def test_thousands_comma_when_the_column_shows_decimal_points() -> None:
    parsed = _parse(["45,000", "1,250.50"])
    assert parsed.values.tolist() == [45000.0, 1250.5]
    assert parsed.notes == []


def test_european_column() -> None:
    parsed = _parse(["45.000,00", "1.250,5", "1,250"])
    assert parsed.values.tolist() == [45000.0, 1250.5, 1.25]
    assert any("decimal comma" in n for n in parsed.notes)


def test_decimal_comma_column_of_short_fractions() -> None:
    parsed = _parse(["1,5", "2,25"], FieldType.NUMBER)
    assert parsed.values.tolist() == [1.5, 2.25]
    assert any("decimal comma" in n for n in parsed.notes)


def test_ambiguous_comma_alone_is_thousands() -> None:
    parsed = _parse(["1,250", "45,000"])
    assert parsed.values.tolist() == [1250.0, 45000.0]
    assert parsed.notes == []


def test_a_short_decimal_comma_makes_the_ambiguous_one_decimal() -> None:
    assert _parse(["1,250", "1,5"]).values.tolist() == [1.25, 1.5]


def test_ambiguous_point_is_thousands_in_money_and_decimal_in_numbers() -> None:
    money = _parse(["1.200", "3.500"])
    assert money.values.tolist() == [1200.0, 3500.0]
    assert any("thousands" in n for n in money.notes)
    assert _parse(["1.200"], FieldType.NUMBER).values.tolist() == [1.2]


def test_ambiguous_point_follows_decimal_point_evidence() -> None:
    assert _parse(["1.200", "12.50"]).values.tolist() == [1.2, 12.5]


def test_mixed_styles_keep_each_unambiguous_reading_and_note_it() -> None:
    parsed = _parse(["1,250.50", "2,5", "3,75", "1,250"])
    assert parsed.values.tolist() == [1250.5, 2.5, 3.75, 1.25]
    assert any("mixed" in n for n in parsed.notes)


def test_million_groups_are_evidence() -> None:
    assert _parse(["1.250.000", "1,250"]).values.tolist() == [1_250_000.0, 1.25]
    assert _parse(["1,250,000", "1.250"], FieldType.NUMBER).values.tolist() == [1_250_000.0, 1.25]


def test_evidence_is_counted_in_cells_not_distinct_values() -> None:
    parsed = _parse(["1,5"] * 3 + ["1,250.50", "2,000.75", "1,250"])
    assert parsed.values.iloc[-1] == 1.25  # three decimal-comma cells beat two decimal points


# --- NUMBER --------------------------------------------------------------------------------


def test_number_percent_uses_the_percent_scale() -> None:
    assert _one("85%", FieldType.NUMBER) == 85.0
    assert _one("85%", FieldType.NUMBER, percent_scale=1.0) == 0.85
    assert _one("12.5 %", FieldType.NUMBER, percent_scale=1.0) == 0.125
    assert _one("50%", FieldType.NUMBER, percent_scale=10.0) == 5.0
    assert _one("50%", FieldType.NUMBER, percent_scale=3.0) == 1.5


def test_number_plain_values() -> None:
    parsed = _parse(["7", "-5", "1.2k", 3, 4.5, "1,234"], FieldType.NUMBER)
    assert parsed.values.tolist() == [7.0, -5.0, 1200.0, 3.0, 4.5, 1234.0]
    assert not parsed.invalid.any()


def test_bools_are_not_numbers_even_next_to_ones() -> None:
    # True == 1 == 1.0 in Python: they must not be merged while reading distinct values.
    parsed = _parse([1, True, 1.0, False, 0], FieldType.NUMBER)
    assert parsed.invalid.tolist() == [False, True, False, True, False]
    assert parsed.values.iloc[[0, 2, 4]].tolist() == [1.0, 1.0, 0.0]


def test_currency_is_invalid_in_a_number_column() -> None:
    assert _parse(["$5", "5"], FieldType.NUMBER).invalid.tolist() == [True, False]


def test_leading_apostrophe_only_before_a_sign() -> None:
    assert _one("'-5", FieldType.NUMBER) == -5.0
    assert _one("'+5", FieldType.NUMBER) == 5.0
    assert _parse(["'5"], FieldType.NUMBER).invalid.tolist() == [True]


def test_infinite_values_are_invalid() -> None:
    assert _parse([math.inf, "1e999"], FieldType.NUMBER).invalid.tolist() == [True, True]


# --- SCORE ---------------------------------------------------------------------------------


def test_score_words_numbers_and_percent() -> None:
    parsed = _parse(
        ["Green", " yellow ", "AMBER", "red", "85%", "72", 64.5, 0, 100], FieldType.SCORE
    )
    assert parsed.values.tolist() == [80.0, 50.0, 50.0, 20.0, 85.0, 72.0, 64.5, 0.0, 100.0]
    assert not parsed.invalid.any()


@pytest.mark.parametrize("cell", [150, -1, "101", "abc", "blue", "$50", True])
def test_score_outside_0_100_or_unreadable_is_invalid(cell: object) -> None:
    parsed = _parse([cell], FieldType.SCORE)
    assert parsed.invalid.tolist() == [True]
    assert parsed.values.isna().all()


def test_negative_zero_is_zero() -> None:
    values = _parse(["(0)", "-0", "0"]).values.tolist()
    assert values == [0.0, 0.0, 0.0]
    assert all(not math.copysign(1, v) < 0 for v in values)


def test_long_texts_are_invalid_not_slow() -> None:
    # Runs of spaces once made the shape regex backtrack exponentially.
    cells = ["9" + " " * 3000 + "x", "1" + " " * 60 + "%x", "1," * 3000, "$" + " " * 3000 + "1 x"]
    assert _parse(cells).invalid.all()
    assert _parse(cells, FieldType.NUMBER).invalid.all()
