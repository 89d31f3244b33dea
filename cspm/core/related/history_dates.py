"""The dates a related import writes history at: every period end from the earliest related
date to the import's as-of date, then the as-of date itself.

One subscriptions export covering two years becomes 24 month-end snapshots plus today's, so
outcomes, trends and "dropped since" rules work without one file per quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.field_spec import FieldType
from cspm.core.periods import PERIOD_KINDS, periods_between

from .frames import RelatedFrames
from .kinds import RELATED_KINDS


def history_dates(first: dt.date, as_of: dt.date, period: str = "month") -> list[dt.date]:
    """Every month end ("month") or quarter end ("quarter") on or after `first` and before
    `as_of`, then `as_of` itself (once, even when it is a period end)."""
    if period not in PERIOD_KINDS:
        words = " or ".join(repr(p) for p in PERIOD_KINDS)
        raise BadInputError(f"Unknown history period {period!r}; use {words}.")
    first, as_of = _date(first), _date(as_of)
    if first >= as_of:
        return [as_of]
    ends = [p.end for p in periods_between(first, as_of, period)]  # type: ignore[arg-type]
    return [e for e in ends if first <= e < as_of] + [as_of]


def first_related_date(
    frames: RelatedFrames, *, pictures_from: Mapping[str, dt.date] | None = None
) -> dt.date | None:
    """The earliest date of any linked row (None when no linked row has a date).

    A kind in `pictures_from` (contacts: a picture of "now") dates its rows from the picture's
    date, not from its own dates (a contact's last login in 2019 starts no history), as
    `aggregates_at` does."""
    pictures = pictures_from or {}
    earliest: list[pd.Timestamp] = []
    for kind in frames.present():
        frame = frames.of(kind)
        linked = frame[frame["account_key"].notna()]
        if linked.empty:
            continue
        if kind in pictures:
            earliest.append(pd.Timestamp(pictures[kind]))
            continue
        for f in RELATED_KINDS[kind].fields:
            if f.type == FieldType.DATE and f.name in linked:
                low = pd.to_datetime(linked[f.name]).min()
                if pd.notna(low):
                    earliest.append(pd.Timestamp(low))
    return min(earliest).date() if earliest else None


def _date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
