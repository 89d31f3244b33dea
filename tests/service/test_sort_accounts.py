"""`sort_accounts` (one sort of (name, id, position) tuples) orders accounts exactly as the
two-key stable DataFrame sort it replaced: casefolded names, ties by external ID, then by
their order in the frame; missing names and IDs first, as empty text."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.service.portfolio import sort_accounts

NAMES = ["Acme", "acme", "ACME", "Straße", "STRASSE", "", None, "Zürich", "zurich", "10", "9"]


def _before(frame: pd.DataFrame) -> pd.DataFrame:
    name = frame["name"].fillna("").astype(str).str.casefold().to_numpy()
    ext = frame["external_id"].fillna("").astype(str).to_numpy()
    order = pd.DataFrame({"n": name, "e": ext}).sort_values(["n", "e"], kind="stable").index
    return frame.iloc[order]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(["A-1", "a-1", "B", "", None])),
        max_size=40,
    )
)
def test_the_same_order_as_the_dataframe_sort(rows: list[tuple[str | None, str | None]]) -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series([r[0] for r in rows], dtype=object),
            "external_id": pd.Series([r[1] for r in rows], dtype=object),
            "arr": np.arange(len(rows), dtype=float),
        },
        index=pd.Index([f"k{i}" for i in range(len(rows))], dtype=object),
    )
    expected = _before(frame)
    got = sort_accounts(frame)
    assert list(got.index) == list(expected.index)
    pd.testing.assert_frame_equal(got, expected)
