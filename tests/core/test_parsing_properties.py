"""Property tests: values formatted the ways CRMs format them parse back to themselves."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column

CENTS = st.integers(min_value=-(10**11), max_value=10**11)


def _us(cents: int) -> str:
    text = f"${abs(cents) / 100:,.2f}"
    return f"({text})" if cents < 0 else text


def _european(cents: int) -> str:
    text = f"{abs(cents) / 100:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text} €" if cents < 0 else f"{text} €"


def _swiss(cents: int) -> str:
    return "CHF " + f"{cents / 100:,.2f}".replace(",", "'")


def _whole_us(cents: int) -> str:
    return f"USD {cents // 100:,}"


def _whole_european(cents: int) -> str:
    return f"{cents // 100:,}".replace(",", ".") + " EUR"


STYLES = {
    "us": (_us, lambda c: c / 100),
    "european": (_european, lambda c: c / 100),
    "swiss": (_swiss, lambda c: c / 100),
    "whole_us": (_whole_us, lambda c: float(c // 100)),
    "whole_european": (_whole_european, lambda c: float(c // 100)),
}


@settings(max_examples=200, deadline=None)
@given(amounts=st.lists(CENTS, min_size=1, max_size=30), style=st.sampled_from(sorted(STYLES)))
def test_a_column_of_amounts_in_one_style_round_trips(amounts: list[int], style: str) -> None:
    fmt, value = STYLES[style]
    parsed = parse_column(pd.Series([fmt(c) for c in amounts], dtype=object), FieldType.MONEY)
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [value(c) for c in amounts]


@settings(max_examples=200, deadline=None)
@given(
    tenths=st.integers(min_value=-9999, max_value=9999),
    suffix=st.sampled_from([("k", 10**3), ("M", 10**6), ("bn", 10**9)]),
)
def test_abbreviated_amounts_are_exact(tenths: int, suffix: tuple[str, int]) -> None:
    letters, factor = suffix
    text = f"{'-' if tenths < 0 else ''}{abs(tenths) // 10}.{abs(tenths) % 10}{letters}"
    parsed = parse_column(pd.Series([text], dtype=object), FieldType.MONEY)
    assert parsed.values.iloc[0] == tenths * factor // 10


DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
ORDERS = {"day_first": ["%d/%m/%Y", "%d.%m.%Y"], "month_first": ["%m/%d/%Y", "%m-%d-%Y"]}


@settings(max_examples=200, deadline=None)
@given(
    dates=st.lists(DATES, min_size=1, max_size=30),
    order=st.sampled_from(sorted(ORDERS)),
    fmt_index=st.integers(0, 1),
    setting=st.sampled_from(sorted(ORDERS)),
)
def test_dates_written_in_one_order_round_trip(
    dates: list[dt.date], order: str, fmt_index: int, setting: str
) -> None:
    cells = [d.strftime(ORDERS[order][fmt_index]) for d in dates]
    evidence = any(d.day > 12 and d.day != d.month for d in dates)
    # With a day above 12 the column decides; without, the setting must match the writing.
    date_order = setting if evidence else order
    parsed = parse_column(pd.Series(cells, dtype=object), FieldType.DATE, date_order=date_order)
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == [pd.Timestamp(d) for d in dates]


@settings(max_examples=100, deadline=None)
@given(dates=st.lists(DATES, min_size=1, max_size=20))
def test_named_month_and_iso_dates_round_trip(dates: list[dt.date]) -> None:
    formats = ["%Y-%m-%d", "%d %b %Y", "%B %d, %Y", "%d-%b-%Y"]
    cells = [d.strftime(formats[i % len(formats)]) for i, d in enumerate(dates)]
    parsed = parse_column(pd.Series(cells, dtype=object), FieldType.DATE)
    assert parsed.values.tolist() == [pd.Timestamp(d) for d in dates]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=-(2**53), max_value=2**53), min_size=1, max_size=20))
def test_integral_floats_become_text_without_a_decimal_point(numbers: list[int]) -> None:
    parsed = parse_column(pd.Series([float(n) for n in numbers], dtype=object), FieldType.TEXT)
    assert parsed.values.tolist() == [str(int(float(n))) for n in numbers]
