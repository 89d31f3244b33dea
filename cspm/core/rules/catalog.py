"""The fields a rule may name, and the derived columns computed for them.

Derived fields replace canonical ones of the same name (`tier`, `lifecycle_stage`,
`health_score` are the computed values, not the raw import) and add ratios and day counts that
CSMs think in ("renewal in 45 days", "80% of seats used"), so rules never do arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.fields import CANONICAL_FIELDS, FieldType
from cspm.core.rules.history import (
    DAY,
    SnapshotIndex,
    as_datetime64,
    pct_change,
    seat_fraction,
    to_day,
)

DERIVED_FIELDS: dict[str, FieldType] = {
    "tier": FieldType.TEXT,
    "lifecycle_stage": FieldType.TEXT,
    "health_score": FieldType.SCORE,  # the effective score (imported, else computed)
    "seat_utilization": FieldType.NUMBER,  # fraction 0-1
    "days_to_renewal": FieldType.NUMBER,
    "days_since_last_interaction": FieldType.NUMBER,
    "arr_change_pct": FieldType.NUMBER,  # percentage points vs the previous snapshot
}
COMPUTED_FIELDS: tuple[str, ...] = (
    "seat_utilization",
    "days_to_renewal",
    "days_since_last_interaction",
    "arr_change_pct",
)
"""Derived fields `add_derived` computes (tier, stage and health come from their own modules)."""


def build_catalog(custom: dict[str, FieldType] | None = None) -> dict[str, FieldType]:
    """Canonical fields, overridden and extended by derived ones, then custom fields.

    A custom field whose slug collides with a canonical or derived name is left out: the
    canonical meaning wins, so a rule's meaning never depends on what an import happened to hold.
    """
    catalog = {f.name: f.type for f in CANONICAL_FIELDS}
    catalog.update(DERIVED_FIELDS)
    for name, ftype in (custom or {}).items():
        catalog.setdefault(name, FieldType(ftype))
    return catalog


def _column(portfolio: pd.DataFrame, name: str) -> pd.Series | None:
    return portfolio[name] if name in portfolio.columns else None


def _floats(portfolio: pd.DataFrame, name: str) -> np.ndarray:
    col = _column(portfolio, name)
    return np.full(len(portfolio), np.nan) if col is None else as_float(col)


def _days_from_today(portfolio: pd.DataFrame, name: str, today: pd.Timestamp) -> np.ndarray:
    """date - today in days (negative in the past), NaN when the date is missing."""
    col = _column(portfolio, name)
    if col is None:
        return np.full(len(portfolio), np.nan)
    return (as_datetime64(col) - today.to_datetime64()) / DAY


def compute_derived(
    name: str,
    portfolio: pd.DataFrame,
    snapshots: SnapshotIndex,
    today: pd.Timestamp,
) -> np.ndarray:
    """One computed field as a float array aligned with the portfolio rows."""
    if name == "seat_utilization":
        return seat_fraction(
            _floats(portfolio, "seats_active"), _floats(portfolio, "seats_purchased")
        )
    if name == "days_to_renewal":
        return _days_from_today(portfolio, "renewal_date", today)
    if name == "days_since_last_interaction":
        return -_days_from_today(portfolio, "last_interaction", today)
    if name == "arr_change_pct":
        return pct_change(snapshots.baseline("arr", None, today), _floats(portfolio, "arr"))
    raise KeyError(name)


def add_derived(
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: date | datetime | pd.Timestamp,
    snapshots: SnapshotIndex | None = None,
) -> pd.DataFrame:
    """A copy of the portfolio with the computed derived columns added (or refreshed).

    Evaluation computes any of these that are missing on the fly, so calling this is about
    showing the values (tables, exports), not a precondition for rules.
    """
    day = to_day(today)
    if snapshots is None:
        snapshots = SnapshotIndex(history, portfolio.index, day)
    values = {n: compute_derived(n, portfolio, snapshots, day) for n in COMPUTED_FIELDS}
    return portfolio.assign(**values)
