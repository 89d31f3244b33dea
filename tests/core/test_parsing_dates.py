"""DATE columns: every accepted format, and the day/month order decided per column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column

MARCH_15 = pd.Timestamp("2027-03-15")


def _parse(cells: Sequence[object], date_order: str = "month_first"):
    return parse_column(pd.Series(cells, dtype=object), FieldType.DATE, date_order=date_order)


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2027, 3, 15),
        dt.datetime(2027, 3, 15, 10, 30),
        dt.date(2027, 3, 15),
        pd.Timestamp("2027-03-15 18:00"),
        np.datetime64("2027-03-15T08:00"),
        46461,
        46461.0,
        46461.75,
        "46461",
        "2027-03-15",
        "2027-3-15",
        "2027/03/15",
        "2027-03-15T10:30:00Z",
        "2027-03-15T10:30:00.123+02:00",
        "2027-03-15 10:30",
        "03/15/2027",
        "3/15/27",
        "03/15/2027 10:30 AM",
        "15 Mar 2027",
        "15-Mar-2027",
        "15-Mar-27",
        "15 March 2027",
        "March 15, 2027",
        "Mar 15, 2027",
        "mar 15 2027",
        "Mon, 15 Mar 2027",
        "20270315",
        "  2027-03-15  ",
    ],
)
def test_accepted_formats(cell: object) -> None:
    parsed = _parse([cell])
    assert parsed.invalid.tolist() == [False]
    assert parsed.values.iloc[0] == MARCH_15


def test_day_first_numeric_dates() -> None:
    assert _parse(["15/03/2027"]).values.iloc[0] == MARCH_15
    assert _parse(["15.03.2027"]).values.iloc[0] == MARCH_15


def test_output_is_datetime64ns_at_midnight_with_the_index() -> None:
    raw = pd.Series([dt.datetime(2027, 3, 15, 23, 59), None, "x"], index=[5, 6, 7], dtype=object)
    parsed = parse_column(raw, FieldType.DATE)
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.index.tolist() == [5, 6, 7]
    assert parsed.values.iloc[0] == MARCH_15
    assert pd.isna(parsed.values.iloc[1])
    assert parsed.invalid.tolist() == [False, False, True]


def test_timezone_aware_values_keep_the_date_as_written() -> None:
    parsed = _parse(
        [
            "2027-03-15T23:30:00-05:00",
            pd.Timestamp("2027-03-15 23:30", tz="US/Eastern"),
            dt.datetime(2027, 3, 15, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
            dt.datetime(2027, 3, 15),
        ]
    )
    assert parsed.values.tolist() == [MARCH_15] * 4
    assert parsed.values.dtype == "datetime64[ns]"


@pytest.mark.parametrize(
    "cell",
    [
        "2027-02-30",
        "2027-02-29",
        "13/13/2027",
        "foo",
        "Smarch 15, 2027",
        "Foo, 15 Mar 2027",
        "10:30",
        5,
        123456,
        True,
        dt.time(10, 30),
        dt.datetime(9999, 12, 31),
        "2027-03",
    ],
)
def test_unreadable_dates_are_invalid(cell: object) -> None:
    parsed = _parse([cell, "2027-01-01"])
    assert parsed.invalid.tolist() == [True, False]
    assert pd.isna(parsed.values.iloc[0])


def test_leap_day() -> None:
    assert _parse(["2028-02-29"]).values.iloc[0] == pd.Timestamp("2028-02-29")


def test_two_digit_years_pivot_like_strptime() -> None:
    parsed = _parse(["1/2/68", "1/2/69"])
    assert [d.year for d in parsed.values] == [2068, 1969]


def test_excel_serial_numbers() -> None:
    parsed = _parse([46000, 25569.0, 80000, 19999, 80001])
    assert parsed.values.iloc[0] == pd.Timestamp("2025-12-09")
    assert parsed.values.iloc[1] == pd.Timestamp("1970-01-01")
    assert parsed.invalid.tolist() == [False, False, False, True, True]


# --- day/month order -----------------------------------------------------------------------


def test_a_first_part_above_12_makes_the_column_day_first() -> None:
    parsed = _parse(["15/03/2027", "04/05/2027"])
    assert parsed.values.tolist() == [MARCH_15, pd.Timestamp("2027-05-04")]
    assert parsed.notes == []


def test_a_second_part_above_12_makes_the_column_month_first() -> None:
    parsed = _parse(["03/15/2027", "04/05/2027"], date_order="day_first")
    assert parsed.values.tolist() == [MARCH_15, pd.Timestamp("2027-04-05")]
    assert parsed.notes == []


def test_dots_and_slashes_share_the_evidence() -> None:
    parsed = _parse(["15.03.2027", "04/05/2027"])
    assert parsed.values.iloc[1] == pd.Timestamp("2027-05-04")


@pytest.mark.parametrize(
    ("order", "expected"), [("month_first", "2027-04-05"), ("day_first", "2027-05-04")]
)
def test_undecidable_column_follows_the_setting_with_a_note(order: str, expected: str) -> None:
    parsed = _parse(["04/05/2027", "2027-01-01"], date_order=order)
    assert parsed.values.iloc[0] == pd.Timestamp(expected)
    assert len(parsed.notes) == 1
    assert "ambiguous" in parsed.notes[0]
    assert order.replace("_", "-") in parsed.notes[0]


def test_same_day_and_month_is_not_ambiguous() -> None:
    assert _parse(["01/01/2027", "12/12/2027"]).notes == []


def test_inconsistent_column_uses_the_majority_and_flags_the_rest() -> None:
    parsed = _parse(["15/03/2027", "16/03/2027", "03/15/2027", "04/05/2027"])
    assert parsed.invalid.tolist() == [False, False, True, False]
    assert parsed.values.iloc[0] == MARCH_15
    assert parsed.values.iloc[3] == pd.Timestamp("2027-05-04")
    assert len(parsed.notes) == 1 and "inconsistent" in parsed.notes[0]


def test_inconsistent_tie_uses_the_setting() -> None:
    parsed = _parse(["15/03/2027", "03/15/2027"], date_order="day_first")
    assert parsed.invalid.tolist() == [False, True]
    assert "inconsistent" in parsed.notes[0]


def test_evidence_counts_cells() -> None:
    parsed = _parse(["03/15/2027"] * 3 + ["15/03/2027", "16/03/2027"])
    assert parsed.invalid.tolist() == [False] * 3 + [True, True]


def test_bad_date_order_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="date_order"):
        _parse(["2027-01-01"], date_order="year_first")


def test_long_texts_are_invalid_not_slow() -> None:
    cells = ["2027-03-15" + " " * 3000 + "x", "2027-03-15 10:30" + " " * 3000 + "x"]
    assert _parse(cells).invalid.all()
