"""Period bounds and labels, the opening/closing rule, and which periods snapshots support."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pandas as pd
import pytest

from cspm.core.periods import (
    Period,
    clip_periods,
    period_containing,
    periods_between,
    periods_for_snapshots,
)


def bounds(periods: list[Period]) -> list[tuple[str, date, date]]:
    return [(p.label, p.start, p.end) for p in periods]


def test_months_across_a_year_end_and_a_leap_february() -> None:
    got = periods_between(date(2027, 11, 15), date(2028, 3, 1), "month")
    assert bounds(got) == [
        ("2027-11", date(2027, 11, 1), date(2027, 11, 30)),
        ("2027-12", date(2027, 12, 1), date(2027, 12, 31)),
        ("2028-01", date(2028, 1, 1), date(2028, 1, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2028-03", date(2028, 3, 1), date(2028, 3, 31)),
    ]


def test_quarters_across_a_year_end() -> None:
    got = periods_between(date(2025, 8, 20), date(2026, 4, 1), "quarter")
    assert bounds(got) == [
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
    ]


def test_one_day_gives_the_period_containing_it() -> None:
    assert bounds(periods_between(date(2026, 3, 31), date(2026, 3, 31), "quarter")) == [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    ]
    assert period_containing(date(2026, 12, 31), "quarter").label == "2026-Q4"
    assert period_containing(date(2026, 1, 1), "month") == Period(
        "2026-01", date(2026, 1, 1), date(2026, 1, 31)
    )


def test_datetimes_and_timestamps_are_read_as_their_day() -> None:
    got = periods_between(datetime(2026, 1, 31, 23, 59), pd.Timestamp("2026-02-01 08:00"), "month")
    assert [p.label for p in got] == ["2026-01", "2026-02"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="after"):
        periods_between(date(2026, 2, 1), date(2026, 1, 1), "month")
    with pytest.raises(ValueError, match="unknown period"):
        periods_between(date(2026, 1, 1), date(2026, 2, 1), "week")  # type: ignore[arg-type]


def test_a_period_opens_the_day_before_it_starts_and_closes_on_its_last_day() -> None:
    q3 = period_containing(date(2026, 8, 15), "quarter")
    assert q3.opening_as_of == date(2026, 6, 30)
    assert q3.closing_as_of == date(2026, 9, 30)
    jan = period_containing(date(2026, 1, 9), "month")
    assert jan.opening_as_of == date(2025, 12, 31)


def test_consecutive_periods_chain() -> None:
    """One period's closing date is the next one's opening date: no change is lost or doubled."""
    for kind in ("month", "quarter"):
        got = periods_between(date(2024, 11, 3), date(2027, 2, 1), kind)  # type: ignore[arg-type]
        for earlier, later in itertools.pairwise(got):
            assert earlier.closing_as_of == later.opening_as_of


def test_quarter_end_snapshots_give_the_four_full_quarters() -> None:
    dates = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]
    dates.append(date(2026, 12, 31))
    assert [p.label for p in periods_for_snapshots(dates, "quarter")] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    months = periods_for_snapshots(dates, "month")
    assert [p.label for p in months] == [f"2026-{m:02d}" for m in range(1, 13)]


def test_first_of_month_snapshots_count_in_the_period_of_their_date() -> None:
    dates = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
    dates.append(date(2027, 1, 1))
    got = periods_for_snapshots(reversed(dates), "quarter")  # any order
    # Q1 2026 has no baseline (nothing on or before 2025-12-31); the 2027-01-01 snapshot is in
    # Q1 2027, which is partial (to date).
    assert [p.label for p in got] == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]


def test_snapshots_inside_one_period_give_no_period_of_that_size() -> None:
    dates = [pd.Timestamp("2026-01-15"), pd.Timestamp("2026-02-20")]
    assert periods_for_snapshots(dates, "quarter") == []
    assert [p.label for p in periods_for_snapshots(dates, "month")] == ["2026-02"]
    assert periods_for_snapshots([date(2026, 3, 31)], "quarter") == []
    assert periods_for_snapshots([], "month") == []
    with pytest.raises(ValueError):
        periods_for_snapshots([], "year")  # type: ignore[arg-type]


def test_clip_keeps_periods_with_a_baseline_and_some_data() -> None:
    every = periods_between(date(2025, 1, 1), date(2027, 12, 31), "quarter")
    got = clip_periods(every, date(2025, 6, 30), date(2026, 2, 14))
    assert [p.label for p in got] == ["2025-Q3", "2025-Q4", "2026-Q1"]
