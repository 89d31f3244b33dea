"""The one money formatter: full and compact forms, any currency, any float without raising."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.core.money import (
    MoneyFormat,
    compact_one,
    excel_format,
    full_one,
    money_compact,
    money_full,
)
from cspm.core.settings import Settings
from cspm.core.tiers import assign_tiers

EUR_AFTER = MoneyFormat("EUR", "€", "symbol_after", "1.234,56")
EXTREMES = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    -0.0,
    1e17,
    9.3e16,
    -1e17,
    5e-324,
    -5e-324,
    2.0**63,
    -(2.0**63),
]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "$0"),
        (5.0, "$5"),
        (999.0, "$999"),
        (1_000.0, "$1,000"),
        (1_000.5, "$1,000.50"),
        (1_234_567.891, "$1,234,567.89"),
        (1_000_000_000.0, "$1,000,000,000"),
        (-0.5, "-$0.50"),
        (-25_000.0, "-$25,000"),
        (0.004, "$0"),
        (-0.004, "$0"),  # rounds to zero: no minus sign
        (-0.0, "$0"),
        (999.999, "$1,000"),
        (np.nan, ""),
        (1e17, "$100,000,000,000,000,000"),
        (1e308, "$1e+308"),
        (float("inf"), "$∞"),
        (float("-inf"), "-$∞"),
    ],
)
def test_full_with_cents_when_there_are_some(value: float, text: str) -> None:
    assert money_full(np.array([value]), cents="auto").tolist() == [text]
    assert full_one(value, cents="auto") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (950, "$950"),
        (999.4, "$999"),
        (999.6, "$1K"),
        (1_500, "$1.5K"),
        (12_400, "$12.4K"),
        (165_000, "$165K"),
        (999_940, "$999.9K"),
        (999_960, "$1M"),
        (1_300_000, "$1.3M"),
        (2_000_000, "$2M"),
        (3e9, "$3B"),
        (1.2e12, "$1.2T"),
        (1e17, "$1.0e+17"),
        (-25_000, "-$25K"),
        (-0.0, "$0"),
        (float("nan"), ""),
    ],
)
def test_compact(value: float, text: str) -> None:
    assert compact_one(value) == text
    assert money_compact([value]).tolist() == [text]


def test_the_portfolio_currency_is_written_its_own_way() -> None:
    assert full_one(1_234_567.5, EUR_AFTER, cents="auto") == "1.234.567,50 €"
    assert compact_one(-12_400, EUR_AFTER) == "-12,4K €"
    gbp = MoneyFormat("GBP", "£")
    assert full_one(45_000, gbp) == "£45,000"
    code = MoneyFormat("CHF", "Fr.", "code_before", "1 234,56")
    assert full_one(1_250_000, code) == "CHF 1\u202f250\u202f000"
    assert excel_format(gbp) == '"£"#,##0;-"£"#,##0'
    assert excel_format(EUR_AFTER).startswith('#,##0" ""€"')


def test_many_values_match_python_formatting() -> None:
    rng = np.random.default_rng(3)
    values = np.round(rng.lognormal(9, 3, 5_000) * rng.choice([-1, 1], 5_000), 2)

    def expected(v: float) -> str:
        text = f"{abs(v):,.2f}".removesuffix(".00")
        return ("-$" if v < 0 else "$") + text

    assert money_full(values, cents="auto").tolist() == [expected(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from(EXTREMES),
        ),
        min_size=1,
        max_size=20,
    ),
    symbol=st.sampled_from(["$", "€", "£", "CHF", 'a"b']),
    placement=st.sampled_from(["symbol_before", "symbol_after", "code_before", "code_after"]),
    separators=st.sampled_from(["1,234.56", "1.234,56", "1 234,56"]),
)
def test_no_float_breaks_any_form(
    values: list[float], symbol: str, placement: str, separators: str
) -> None:
    """Issue 12: any amount, in any currency format, is text, short, and never an exception."""
    fmt = MoneyFormat("XXX", symbol, placement, separators)  # type: ignore[arg-type]
    arr = np.array(values, dtype=np.float64)
    for texts in (
        money_full(arr, fmt),
        money_full(arr, fmt, cents="auto"),
        money_full(arr, fmt, cents="always"),
        money_compact(arr, fmt),
    ):
        assert len(texts) == len(values)
        for v, t in zip(values, texts, strict=True):
            assert isinstance(t, str)
            assert (t == "") == math.isnan(v)
            assert len(t) < 40
            assert not t.startswith("-") or v < 0


@settings(max_examples=100, deadline=None)
@given(arr=st.lists(st.one_of(st.floats(), st.sampled_from(EXTREMES)), min_size=1, max_size=8))
def test_tier_reasons_quote_any_arr(arr: list[float]) -> None:
    """The reason line that used to raise IndexError for ARR >= ~9.2e16."""
    out = assign_tiers(pd.DataFrame({"arr": arr}), Settings())
    assert len(out) == len(arr)
    assert out["tier_reason"].str.len().max() < 200


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=-1e6, max_value=1e6).map(lambda v: round(v, 3)),
            st.sampled_from([*EXTREMES, -0.004, 0.005, -0.005, 999.995, -999.5, 1e17, -1e18]),
        ),
        min_size=1,
        max_size=30,
    ),
    symbol=st.sampled_from(["$", "€", "CHF"]),
    placement=st.sampled_from(["symbol_before", "symbol_after", "code_before", "code_after"]),
    separators=st.sampled_from(["1,234.56", "1.234,56", "1 234,56"]),
    cents=st.sampled_from(["never", "auto", "always"]),
    missing=st.sampled_from(["", "—"]),
)
def test_a_column_reads_exactly_as_each_amount_alone(
    values: list[float], symbol: str, placement: str, separators: str, cents: str, missing: str
) -> None:
    """The whole-column formatter (tiers' reasons, the table, task reasons) takes a faster
    path than `full_one` for ordinary amounts; a user sees the same text either way."""
    fmt = MoneyFormat("XXX", symbol, placement, separators)  # type: ignore[arg-type]
    texts = money_full(np.array(values), fmt, cents=cents, missing=missing)  # type: ignore[arg-type]
    alone = [full_one(v, fmt, cents=cents, missing=missing) for v in values]  # type: ignore[arg-type]
    assert texts.tolist() == alone
