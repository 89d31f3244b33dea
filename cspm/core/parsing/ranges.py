"""Sane ranges of parsed values: a number no account can have is a typo or a broken export.

A single absurd value (ARR 1e17, a renewal date in 9999, an NPS answer of 45) is not data: left
in, it poisons every total, band, chart and export that touches it. So every parsed number and
date is checked against its field's range right after parsing; a value outside becomes missing
and the import warns, naming the row, the column and the text as written.

The check is a function of (field, parsed values) only, so it composes with whatever scale a
column was read on: a health score read on a 0-10 scale is checked after it became 0-100.

Bounds, and why:
* money (ARR, MRR, invoices, company revenue): within +-1e13, ten trillion, above any real
  company's revenue and far below where cents stop fitting a 64-bit integer (9.2e16);
* counts (seats, active users, MAU, open tickets): 0 to 1e13; a negative count is a typo;
* scores (health, CSAT): 0 to 100; an NPS answer 0 to 10; an account NPS -100 to 100;
* dates: 1900-01-01 to 2200-12-31 (Excel's epoch to well past any contract);
* custom numeric columns, whose meaning cspm does not know: within +-1e13, like money.
Infinities are always outside; -0.0 is read as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.fields import FIELDS, FieldType

MONEY_BOUND = 1e13
"""Largest magnitude of an amount, and of a custom column's number."""

FIRST_DATE, LAST_DATE = "1900-01-01", "2200-12-31"


@dataclass(frozen=True)
class SaneRange:
    """Inclusive bounds (floats, or ISO dates for DATE) and how to say them in a warning."""

    low: float | str
    high: float | str
    description: str

    def outside(self, values: pd.Series) -> np.ndarray:
        """True where a present value lies outside (missing values are never outside)."""
        if isinstance(self.low, str):
            low, high = pd.Timestamp(self.low), pd.Timestamp(str(self.high))
            beyond = (values < low) | (values > high)  # at the values' own resolution
            return (values.notna() & beyond).to_numpy(dtype=bool)
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
        assert isinstance(self.high, float)
        with np.errstate(invalid="ignore"):
            return ~np.isnan(x) & ~((x >= self.low) & (x <= self.high))


_MONEY = SaneRange(-MONEY_BOUND, MONEY_BOUND, "an amount between -10 trillion and 10 trillion")
_COUNT = SaneRange(0.0, MONEY_BOUND, "a count from 0 to 10 trillion")
_SCORE = SaneRange(0.0, 100.0, "a score from 0 to 100")
_DATE = SaneRange(FIRST_DATE, LAST_DATE, f"a date between {FIRST_DATE} and {LAST_DATE}")
_CUSTOM_NUMBER = SaneRange(
    -MONEY_BOUND, MONEY_BOUND, "a number between -10 trillion and 10 trillion"
)

FIELD_RANGES: dict[str, SaneRange] = {
    "seats_purchased": _COUNT,
    "seats_active": _COUNT,
    "mau": _COUNT,
    "open_tickets": _COUNT,
    "health_score": _SCORE,
    "csat": _SCORE,
    "nps": SaneRange(0.0, 10.0, "an NPS answer from 0 to 10"),
    "nps_points": SaneRange(-100.0, 100.0, "an account NPS from -100 to 100"),
}
"""Canonical fields whose range is narrower than their type's."""

_TYPE_RANGES: dict[FieldType, SaneRange] = {
    FieldType.MONEY: _MONEY,
    FieldType.NUMBER: _CUSTOM_NUMBER,
    FieldType.SCORE: _SCORE,
    FieldType.DATE: _DATE,
}


def sane_range(field: str | None, ftype: FieldType) -> SaneRange | None:
    """The range of a canonical field (by name) or a custom column of type `ftype` (field None).

    None for text and yes/no values, which have no range.
    """
    if field in FIELD_RANGES:
        return FIELD_RANGES[field]
    if field in FIELDS:
        ftype = FIELDS[field].type
    return _TYPE_RANGES.get(FieldType(ftype))


@dataclass(frozen=True)
class RangeCheck:
    """Values with everything outside the range made missing, and where that happened."""

    values: pd.Series
    outside: np.ndarray
    range: SaneRange | None


def check_range(field: str | None, ftype: FieldType, values: pd.Series) -> RangeCheck:
    """Blank out the values of `field` (or a custom column of `ftype`) outside its sane range.

    Numbers keep their float64 dtype, dates their datetime64 dtype; -0.0 becomes 0.0 so no
    report shows "-0".
    """
    rng = sane_range(field, ftype)
    if rng is None:
        return RangeCheck(values, np.zeros(len(values), dtype=bool), None)
    outside = rng.outside(values)
    if isinstance(rng.low, float):
        values = values + 0.0  # -0.0 + 0.0 is 0.0
    if outside.any():
        values = values.mask(outside)
    return RangeCheck(values, outside, rng)
