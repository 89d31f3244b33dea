"""The big-changes preview's "which accounts may have changed" narrowing, compared with the
pandas implementation it replaced, on real-shaped columns.

`_maybe_changed` compares text columns as numpy object arrays instead of through pandas'
`!=`; the accounts it marks must be exactly the ones the old expression marked, for text
(None, NaN, empty-looking, unicode), money and numbers (NaN), dates (NaT) and three-valued
booleans (<NA>), as stored state and as a file's plan hold them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.service.import_preview import _maybe_changed


def _old_maybe_changed(before: pd.DataFrame, after: pd.DataFrame, carried: list[str]) -> np.ndarray:
    """The implementation before the numpy comparison (kept as the reference)."""
    changed = np.zeros(len(before), dtype=bool)
    for column in carried:
        x, y = before[column], after[column]
        try:
            differ = (x != y).to_numpy(dtype=bool)
        except (TypeError, ValueError):
            differ = np.ones(len(before), dtype=bool)
        changed |= differ & ~(x.isna().to_numpy() & y.isna().to_numpy())
    return changed


TEXTS = st.sampled_from(["Dana", "dana", "Dana ", "Zoë", "Ünal", "", None, np.nan, "ACC-001"])
MONEY = st.sampled_from([12_345.0, 12_345.5, 0.0, -1.0, np.nan, 1e12])
DATES = st.sampled_from(
    [pd.Timestamp("2026-11-23"), pd.Timestamp("2027-01-10"), pd.NaT, pd.Timestamp("1999-12-31")]
)
BOOLS = st.sampled_from([True, False, pd.NA])


def _frame(rows: list[tuple[object, object, object, object, object]]) -> pd.DataFrame:
    names, owners, arr, renewal, reference = zip(*rows, strict=True) if rows else ([],) * 5
    return pd.DataFrame(
        {
            "name": pd.Series(list(names), dtype=object),
            "owner": pd.Series(list(owners), dtype=object),
            "arr": pd.Series(list(arr), dtype=np.float64),
            "renewal_date": pd.Series(list(renewal), dtype="datetime64[ns]"),
            "is_reference": pd.array(list(reference), dtype="boolean"),
        }
    )


ROW = st.tuples(TEXTS, TEXTS, MONEY, DATES, BOOLS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ROW, ROW), max_size=30))
def test_same_accounts_marked_as_the_pandas_expression(pairs) -> None:
    before = _frame([b for b, _ in pairs])
    after = _frame([a for _, a in pairs])
    carried = list(before.columns)
    np.testing.assert_array_equal(
        _maybe_changed(before, after, carried), _old_maybe_changed(before, after, carried)
    )


def test_real_shaped_state_against_a_parsed_file() -> None:
    """Stored state (object text, float money, dates) against a plan's columns: a renamed
    owner, a cleared ARR, a moved renewal, an unchanged row and a text cell holding a date."""
    before = pd.DataFrame(
        {
            "owner": ["Dana", "Lee", None, "Kim", "2026-01-01"],
            "arr": [120_000.0, 45_000.0, np.nan, 9_000.0, 1.0],
            "renewal_date": pd.to_datetime(["2027-01-10", None, "2026-12-01", None, None]),
        }
    ).astype({"owner": object})
    after = pd.DataFrame(
        {
            "owner": ["Dana", "Kim", None, "Kim", dt.date(2026, 1, 1)],
            "arr": [120_000.0, np.nan, np.nan, 9_000.0, 1.0],
            "renewal_date": pd.to_datetime(["2027-01-10", None, "2026-12-02", None, None]),
        }
    ).astype({"owner": object})
    carried = ["owner", "arr", "renewal_date"]
    got = _maybe_changed(before, after, carried)
    assert got.tolist() == [False, True, True, False, True]
    np.testing.assert_array_equal(got, _old_maybe_changed(before, after, carried))
