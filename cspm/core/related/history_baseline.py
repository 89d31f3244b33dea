"""The opening state of a derived history: every account as it stood before its first related
row, on the day before the first period the rows reach into.

Outcomes count a period only when a snapshot opens it (without one every account would look
like new ARR). A subscriptions export starting mid-January describes January too: the accounts
it names had no active subscription on 31 December (ARR 0, nothing open, not churned), so a
snapshot saying exactly that lets the first quarter the file spans be counted, with its ARR as
new ARR, which is what it was. Fields that are a ratio or a date, and the contacts' picture
fields, are unknown then and stay blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cspm.core.periods import PeriodKind, period_containing

from .carried import DERIVED_BY_KIND
from .kinds import CONTACTS

ZERO_BEFORE_ANY_ROW: frozenset[str] = frozenset(
    {
        "arr",
        "mrr",
        "seats_purchased",
        "subscriptions_active",
        "usage_events_30d",
        "usage_active_users_30d",
        "usage_active_days_30d",
        "open_tickets",
        "tickets_opened_90d",
        "tickets_escalated_90d",
    }
)
"""Counts and sums that are 0 before an account's first row (the rest are unknown)."""


def baseline_day(first: dt.date, period: PeriodKind) -> dt.date:
    """The day before the first period (month or quarter) containing `first`."""
    return period_containing(first, period).opening_as_of


def baseline_rows(aggregates: pd.DataFrame, fields: Sequence[str], day: dt.date) -> pd.DataFrame:
    """One row per account of `aggregates` (account_key, as_of, fields) on `day`: zeros for
    counts and sums, churn_flag False, everything else (and contacts' fields) missing."""
    keys = pd.unique(aggregates["account_key"])
    n = len(keys)
    out = pd.DataFrame(
        {
            "account_key": pd.Series(keys, dtype=object),
            "as_of": pd.Series(np.full(n, np.datetime64(day, "ns")), dtype="datetime64[ns]"),
        }
    )
    contacts = set(DERIVED_BY_KIND[CONTACTS])
    for f in fields:
        dtype = aggregates[f].dtype if f in aggregates.columns else np.dtype(float)
        if f in ZERO_BEFORE_ANY_ROW and f not in contacts:
            out[f] = pd.Series(np.zeros(n), dtype=dtype)
        elif f == "churn_flag":
            out[f] = pd.Series([False] * n, dtype="boolean")
        else:
            out[f] = pd.Series([None] * n, dtype=object).astype(dtype)
    return out
