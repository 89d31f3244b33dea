"""Calendar periods (months, quarters) for outcome trends: bounds, labels, and which state opens
and closes each one.

The rule that decides every period figure lives here, in `Period.opening_as_of` and
`Period.closing_as_of`:

- A period closes with each account's state as of its last day (the latest snapshot on or before
  `end`).
- A period opens with the state that closed the previous period: as of the day *before* `start`.

Why the day before, not `start` itself: a snapshot is read as "the state at the end of its
as-of day", so periods must chain (one period's closing state is the next one's opening state).
With quarter-end snapshots (2026-06-30, 2026-09-30) Q3 opens from 2026-06-30 and closes at
2026-09-30 either way. But with first-of-month dating (2026-07-01, 2026-10-01), opening Q3 "on or
before 2026-07-01" would also make 07-01 the closing state of nothing: the change it records
(since 04-01) would fall between Q2's close (as of 06-30 -> 04-01) and Q3's open, and be counted
in no period at all. Opening the day before means every change is counted exactly once, in the
period that contains the as-of date of the snapshot that first shows it; so the flows of
consecutive periods always add up to the change over the whole span. Date a snapshot by the day
it describes (a "Q3 close" export dated 10-01 lands in Q4).

`periods_for_snapshots` keeps only periods that have a baseline (a snapshot on or before their
opening date): without one, every account would look like new ARR. The last period may be
partial (it closes at the latest snapshot, a "quarter to date").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

PeriodKind = Literal["month", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter")

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """One calendar month or quarter; `start` and `end` are its first and last day."""

    label: str  # "2026-Q3" or "2026-09"
    start: datetime.date
    end: datetime.date

    @property
    def opening_as_of(self) -> datetime.date:
        """The as-of date of the state that opens the period: the day before `start`."""
        return self.start - _ONE_DAY

    @property
    def closing_as_of(self) -> datetime.date:
        """The as-of date of the state that closes the period: its last day."""
        return self.end


def _as_date(value: datetime.date | pd.Timestamp) -> datetime.date:
    """A plain date: datetimes and Timestamps compare badly with dates, so drop the time."""
    if isinstance(value, datetime.datetime):  # also pd.Timestamp
        return value.date()
    return value


def _check_kind(period: str) -> int:
    """Months per period, or ValueError for an unknown kind."""
    if period == "month":
        return 1
    if period == "quarter":
        return 3
    raise ValueError(f"unknown period {period!r}; expected one of {PERIOD_KINDS}")


def _period_at(month_index: int, months: int) -> Period:
    """The period starting at `month_index` (year * 12 + month - 1) and spanning `months`."""
    year, month0 = divmod(month_index, 12)
    start = datetime.date(year, month0 + 1, 1)
    next_year, next_month0 = divmod(month_index + months, 12)
    end = datetime.date(next_year, next_month0 + 1, 1) - _ONE_DAY
    label = f"{year}-Q{month0 // 3 + 1}" if months == 3 else f"{year}-{month0 + 1:02d}"
    return Period(label, start, end)


def _first_month_index(d: datetime.date, months: int) -> int:
    """Month index of the first month of the period containing `d`."""
    index = d.year * 12 + d.month - 1
    return index - index % months


def period_containing(d: datetime.date, period: PeriodKind) -> Period:
    """The month or quarter that contains `d`."""
    months = _check_kind(period)
    return _period_at(_first_month_index(_as_date(d), months), months)


def periods_between(first: datetime.date, last: datetime.date, period: PeriodKind) -> list[Period]:
    """Every period overlapping [first, last], oldest first (partial ends included)."""
    months = _check_kind(period)
    first, last = _as_date(first), _as_date(last)
    if first > last:
        raise ValueError(f"first ({first}) is after last ({last})")
    lo = _first_month_index(first, months)
    hi = _first_month_index(last, months)
    return [_period_at(i, months) for i in range(lo, hi + 1, months)]


def clip_periods(
    periods: Sequence[Period], first_snapshot: datetime.date, last_snapshot: datetime.date
) -> list[Period]:
    """The periods that have a baseline and some data.

    Kept: periods whose opening state exists (`opening_as_of` on or after the first snapshot;
    earlier ones would show the whole portfolio as new ARR) and that start on or before the last
    snapshot (later ones would show nothing but carried-forward state).
    """
    first, last = _as_date(first_snapshot), _as_date(last_snapshot)
    return [p for p in periods if p.opening_as_of >= first and p.start <= last]


def periods_for_snapshots(
    as_of_dates: Iterable[datetime.date | pd.Timestamp], period: PeriodKind
) -> list[Period]:
    """The periods an outcome trend should show for snapshots taken on `as_of_dates`.

    Five quarter-end snapshots (2025-12-31 ... 2026-12-31) give the four quarters of 2026.
    Fewer than two distinct dates, or all of them inside one period, give no period.
    """
    dates = sorted({_as_date(d) for d in as_of_dates})
    if not dates:
        _check_kind(period)
        return []
    return clip_periods(periods_between(dates[0], dates[-1], period), dates[0], dates[-1])
