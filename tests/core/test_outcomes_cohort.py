"""The cohort is the accounts paying at the opening; a trial that starts paying is new ARR."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.outcomes import outcome_metrics


def _state(arr: dict[str, float | None], churned: tuple[str, ...] = ()) -> pd.DataFrame:
    keys = list(arr)
    return pd.DataFrame(
        {
            "arr": [np.nan if v is None else v for v in arr.values()],
            "churned": [k in churned for k in keys],
        },
        index=keys,
    )


def _portfolio(start: pd.DataFrame, end: pd.DataFrame) -> pd.Series:
    none = pd.DataFrame(index=start.index.union(end.index))
    return outcome_metrics(start, end, none, none).loc["Portfolio"]


def test_a_zero_arr_trial_that_starts_paying_is_new_not_expansion() -> None:
    start = _state({"A": 100_000, "T": 0, "B": None})
    end = _state({"A": 110_000, "T": 50_000, "B": 20_000})
    row = _portfolio(start, end)
    assert row["start_arr"] == 100_000
    assert row["start_logos"] == 1
    assert row["expansion_arr"] == 10_000
    assert row["new_arr"] == 70_000
    assert row["new_logos"] == 2
    assert row["nrr"] == 1.10
    assert row["end_arr"] == 180_000


def test_a_zero_arr_account_that_stays_free_counts_nowhere() -> None:
    start = _state({"A": 100_000, "F": 0})
    end = _state({"A": 100_000, "F": 0, "G": 0})
    row = _portfolio(start, end)
    assert row["start_logos"] == 1
    assert row["new_logos"] == 0
    assert row["churned_logos"] == 0


def test_a_zero_arr_account_that_churns_is_not_a_lost_logo() -> None:
    start = _state({"A": 100_000, "F": 0})
    end = _state({"A": 100_000, "F": 0}, churned=("F",))
    row = _portfolio(start, end)
    assert row["churned_logos"] == 0
    assert row["logo_churn_rate"] == 0
