"""`top_tasks(scored, n)` is `sort_tasks(scored).head(n)`: same rows, same order, whatever the
ties (priority, due date, names equal once case-folded, missing names, dates or priorities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.core.tasks import sort_tasks, top_tasks

NAMES = ["Acme", "ACME", "acme", "Beta", "beta co", "Zed", None]


@st.composite
def scored_tasks(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 40))
    priority = draw(
        st.lists(st.sampled_from([10.0, 55.5, 55.5, 90.0, np.nan]), min_size=n, max_size=n)
    )
    due = draw(
        st.lists(st.sampled_from(["2026-11-01", "2026-12-01", None]), min_size=n, max_size=n)
    )
    names = draw(st.lists(st.sampled_from(NAMES), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "account_key": [f"k{i % 7}" for i in range(n)],
            "priority": np.array(priority, dtype=float),
            "due_date": pd.to_datetime(pd.Series(due, dtype=object)).astype("datetime64[ns]"),
            "account_name": pd.Series(names, dtype=object),
        }
    )


@settings(max_examples=150, deadline=None)
@given(scored_tasks(), st.integers(0, 45))
def test_the_top_n_is_the_head_of_the_whole_sort(scored: pd.DataFrame, n: int) -> None:
    expected = sort_tasks(scored).head(n)["id"].tolist()
    assert top_tasks(scored, n)["id"].tolist() == expected


def test_ties_at_the_cut_are_broken_by_name_then_order() -> None:
    scored = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "account_key": ["a", "b", "c", "d", "e"],
            "priority": [50.0, 80.0, 50.0, 50.0, 50.0],
            "due_date": pd.to_datetime(["2026-12-01"] * 5).astype("datetime64[ns]"),
            "account_name": ["zeta", "omega", "ACME", None, "acme"],
        }
    )
    assert top_tasks(scored, 3)["id"].tolist() == [2, 3, 5]
    assert top_tasks(scored, 5)["id"].tolist() == [2, 3, 5, 1, 4]
