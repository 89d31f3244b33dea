"""Dates, with the day/month order decided per column.

`pd.to_datetime` guesses one format from the first value, which is wrong for CRM exports that mix
Excel date cells, ISO strings and "03/15/2027" in one column. Instead each distinct digit-shape
("99/99/9999", "9999-99-99T99:99:99Z", "99 Mar 9999") is matched once against the formats we
accept, and the year, month and day digits of all cells of that shape are read at fixed
positions with numpy; day-in-month validity is checked with numpy calendar arithmetic.

Day/month order of numeric dates ("03/04/2027", "15.03.2027", "3-15-27"), per column: a value
whose first part is above 12 is evidence for day-first, one whose second part is above 12 for
month-first. One kind of evidence decides the column. Both kinds: the majority (in cells) wins,
the contradicting cells become invalid and a note says so. No evidence: the user's `date_order`
setting decides, with a note when any value actually reads differently the other way.

Times are dropped and timezone offsets ignored: "2027-03-15T23:30:00-05:00" is 2027-03-15, the
date the source system showed. Excel serial numbers (20000-80000, 1954-2119) are dates, and so
are 13-digit epoch milliseconds (HubSpot's API timestamps).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from cspm.core.parsing.cells import Cells, Kind, digits_value
from cspm.core.parsing.numbers import LONGEST_SHAPE

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
SERIAL_RANGE = (20_000, 80_000)
EPOCH_MS_RANGE = (1_000_000_000_000, 7_258_118_400_000)  # 2001-09-09 to 2200-01-01
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_FIRST_YEAR, _LAST_YEAR = 1678, 2261  # inside what datetime64[ns] can hold
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ]
    )
    for name in names.split()
}
_WEEKDAYS = frozenset(
    {
        "mon",
        "monday",
        "tue",
        "tues",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thur",
        "thurs",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
    }
)
_TIME = (
    r"(?:(?:T|\s+)9{1,2}:99(?::99(?:[.,]9+)?)?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[-+]99(?::?99)?))?)?"
)
_WEEKDAY = r"(?:(?P<wd>[a-z]{3,9})\.?,?\s+)?"
_FORMATS = {
    "iso": rf"(?P<y>9999)(?P<s>[-/.])(?P<m>99?)(?P=s)(?P<d>99?){_TIME}",
    "numeric": rf"(?P<a>99?)(?P<s>[-/.])(?P<b>99?)(?P=s)(?P<y>9999|99){_TIME}",
    "day_name": rf"{_WEEKDAY}(?P<d>99?)(?:st|nd|rd|th)?\.?(?:\s+|-)(?P<mon>[a-z]{{3,9}})\.?,?"
    rf"(?:\s+|-)(?P<y>9999|99){_TIME}",
    "name_day": rf"{_WEEKDAY}(?P<mon>[a-z]{{3,9}})\.?(?:\s+|-)(?P<d>99?)(?:st|nd|rd|th)?,?"
    rf"(?:\s+|-)(?P<y>9999|99){_TIME}",
    "compact": r"(?P<y>9999)(?P<m>99)(?P<d>99)",
    "serial": r"(?P<serial>9{5}(?:\.9+)?|9{13})",  # Excel serial days, or epoch milliseconds
}
_PATTERNS = {k: re.compile(rf"\s*{v}\s*", re.IGNORECASE) for k, v in _FORMATS.items()}

Span = tuple[int, int]


@dataclass(frozen=True)
class _DateRecipe:
    """Where the parts of a date sit in every text of one shape."""

    fmt: str  # a key of _FORMATS
    year: Span = (0, 0)
    month: Span | int = 0  # a span of digits, or the month a month name gives
    day: Span = (0, 0)  # for "numeric": `month`/`day` hold the first/second part
    serial: Span = (0, 0)


@lru_cache(maxsize=4096)
def _recipe(shape: str) -> _DateRecipe | None:
    """The date layout of one digit-shape; None when it is no date we read."""
    if len(shape) > LONGEST_SHAPE:
        return None
    for fmt, pattern in _PATTERNS.items():
        m = pattern.fullmatch(shape)
        if m is None:
            continue
        if fmt == "serial":
            return _DateRecipe(fmt, serial=m.span("serial"))
        groups = m.groupdict()
        if groups.get("wd") and groups["wd"].lower() not in _WEEKDAYS:
            continue
        if fmt == "numeric":
            return _DateRecipe(fmt, m.span("y"), m.span("a"), m.span("b"))
        if "mon" in groups:
            month = _MONTHS.get(groups["mon"].lower())
            return _DateRecipe(fmt, m.span("y"), month, m.span("d")) if month else None
        return _DateRecipe(fmt, m.span("y"), m.span("m"), m.span("d"))
    return None


def _span_value(matrix: np.ndarray, span: Span) -> np.ndarray:
    return digits_value(matrix, list(range(*span)))


def compose(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] dates from int parts, and which parts formed a real calendar date."""
    ok = (
        (year >= _FIRST_YEAR)
        & (year <= _LAST_YEAR)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= 31)
    )
    y, m, d = np.where(ok, year, 1970), np.where(ok, month, 1), np.where(ok, day, 1)
    month_start = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]").astype("datetime64[D]")
    next_start = (month_start.astype("datetime64[M]") + 1).astype("datetime64[D]")
    ok &= d <= (next_start - month_start).astype(np.int64)
    dates = (month_start + (d - 1)).astype("datetime64[ns]")
    dates[~ok] = np.datetime64("NaT")
    return dates, ok


@dataclass
class DateResult:
    """Per distinct value: the date (NaT when none), whether it was unreadable, notes."""

    values: np.ndarray
    invalid: np.ndarray
    notes: list[str]


def _from_objects(objs: list[object]) -> np.ndarray:
    """Midnight datetime64[ns] for datetime/date cells (NaT when out of range)."""
    try:  # "raise": with "coerce" an aware datetime among naive ones silently becomes NaT
        index = pd.DatetimeIndex(pd.to_datetime(objs))
    except (ValueError, TypeError, OverflowError):  # aware and naive, or several offsets
        naive = [o.replace(tzinfo=None) if isinstance(o, dt.datetime) else o for o in objs]
        index = pd.DatetimeIndex(pd.to_datetime(naive, errors="coerce"))
    if index.tz is not None:
        index = index.tz_localize(None)  # the wall-clock date the sheet showed
    days = index.to_numpy().astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    inside = ~np.isnat(days) & (years >= _FIRST_YEAR) & (years <= _LAST_YEAR)
    out = np.full(len(objs), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[inside] = days[inside].astype("datetime64[ns]")
    return out


def _from_serials(serials: np.ndarray) -> np.ndarray:
    """Excel serial day numbers (1900 date system) to dates; NaT outside SERIAL_RANGE.

    Whole numbers in EPOCH_MS_RANGE are Unix epoch milliseconds, as HubSpot's API and warehouse
    syncs write timestamps (UTC; the date part is kept, as for ISO text)."""
    ok = (serials >= SERIAL_RANGE[0]) & (serials < SERIAL_RANGE[1] + 1)
    days = np.where(ok, np.floor(np.where(ok, serials, 0)), 0).astype(np.int64)
    out = (_EXCEL_EPOCH + days).astype("datetime64[ns]")
    ms = (serials >= EPOCH_MS_RANGE[0]) & (serials < EPOCH_MS_RANGE[1]) & (serials % 1 == 0)
    ms_days = np.where(ms, serials, 0).astype(np.int64) // 86_400_000
    out[ms] = (np.datetime64("1970-01-01", "D") + ms_days[ms]).astype("datetime64[ns]")
    out[~(ok | ms)] = np.datetime64("NaT")
    return out


def _two_digit(year: np.ndarray, width: int) -> np.ndarray:
    """strptime's %y pivot: 00-68 -> 2000s, 69-99 -> 1900s."""
    if width != 2:
        return year
    return np.where(year < 69, year + 2000, year + 1900)


def parse_dates(cells: Cells, *, date_order: str = MONTH_FIRST, numeric: bool = True) -> DateResult:
    """Dates for every distinct value of `cells`.

    numeric: whether bare numbers (Excel serials, "20270315") are dates; type inference turns it
    off so a column of amounts around 45,000 is not taken for dates.
    """
    if date_order not in (DAY_FIRST, MONTH_FIRST):
        raise ValueError(f"date_order must be {DAY_FIRST!r} or {MONTH_FIRST!r}")
    n = len(cells.values)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    invalid = np.zeros(n, dtype=bool)
    objects = np.concatenate([cells.of_kind(Kind.DATETIME), cells.of_kind(Kind.DATE)])
    if len(objects):
        values[objects] = _from_objects(list(cells.values[objects]))
        invalid[objects] = np.isnat(values[objects])
    nums = cells.of_kind(Kind.NUM)
    if len(nums) and numeric:
        values[nums] = _from_serials(np.asarray(list(cells.values[nums]), dtype=np.float64))
    invalid[nums] = np.isnat(values[nums])
    for kind in (Kind.BOOL, Kind.TIME, Kind.OTHER):
        invalid[cells.of_kind(kind)] = True

    # Ordered dates wait for the column's decision: keep their parts.
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for shape, group in cells.shape_groups():
        recipe = _recipe(shape)
        if recipe is None or (not numeric and recipe.fmt in ("serial", "compact")):
            invalid[group] = True
            continue
        matrix = cells.char_matrix(group, len(shape))
        if recipe.fmt == "serial":
            a, b = recipe.serial
            text = np.ascontiguousarray(matrix[:, a:b]).view(f"<U{b - a}").ravel()
            values[group] = _from_serials(text.astype(np.float64))
            invalid[group] = np.isnat(values[group])
            continue
        year = _two_digit(_span_value(matrix, recipe.year), recipe.year[1] - recipe.year[0])
        day = _span_value(matrix, recipe.day)
        if isinstance(recipe.month, int):
            month = np.full(len(group), recipe.month, dtype=np.int64)
        else:
            month = _span_value(matrix, recipe.month)
        if recipe.fmt == "numeric":
            pending.append((group, year, month, day))  # (first part, second part)
            continue
        values[group], ok = compose(year, month, day)
        invalid[group] = ~ok

    notes: list[str] = []
    if pending:
        order, notes = _decide_order(cells, pending, date_order)
        for group, year, first, second in pending:
            month, day = (second, first) if order == DAY_FIRST else (first, second)
            values[group], ok = compose(year, month, day)
            invalid[group] = ~ok
    return DateResult(values, invalid, notes)


def _decide_order(
    cells: Cells,
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    date_order: str,
) -> tuple[str, list[str]]:
    """Day-first or month-first for the column's numeric dates, and the notes to show."""
    day_first = month_first = undecided = 0
    for group, _year, first, second in pending:
        counts = cells.counts[group]
        day_first += int(counts[(first > 12) & (second <= 12)].sum())
        month_first += int(counts[(second > 12) & (first <= 12)].sum())
        undecided += int(counts[(first <= 12) & (second <= 12) & (first != second)].sum())
    setting = date_order.replace("_", "-")
    if day_first and month_first:
        if day_first == month_first:
            order, why = date_order, f"an even split; the date-order setting ({setting})"
        else:
            order = DAY_FIRST if day_first > month_first else MONTH_FIRST
            why = "the majority"
        losers = month_first if order == DAY_FIRST else day_first
        return order, [
            f"dates are inconsistent: {day_first} read only day-first and {month_first} only "
            f"month-first; read as {order.replace('_', '-')} ({why}), the other {losers} "
            f"marked invalid"
        ]
    if day_first:
        return DAY_FIRST, []
    if month_first:
        return MONTH_FIRST, []
    if undecided:
        return date_order, [
            f"dates are ambiguous (no day above 12); read as {setting}, the date-order setting"
        ]
    return date_order, []
