"""The first N ranked tasks are the first N of the whole ranking, reasons included.

`list_tasks(limit=N)` ranks every task but writes reasons for the N it returns only; what it
returns must be exactly the head of the full list (same order, priorities and reasons).
"""

from __future__ import annotations

import pandas as pd

from cspm.service.context import AppContext
from cspm.service.tasks import list_tasks
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def test_limited_list_is_the_head_of_the_full_ranking(demo: AppContext) -> None:  # noqa: F811
    full = list_tasks(demo)
    assert len(full) > 40 and full["reasons"].map(len).gt(0).all()
    for n in (1, 20, len(full) - 1):
        top = list_tasks(demo, limit=n)
        expected = full.head(n).reset_index(drop=True)
        pd.testing.assert_frame_equal(top, expected, check_dtype=False)  # values, not str vs object
    owner = full["owner"].dropna().iloc[0]
    mine = list_tasks(demo, owner=owner)
    pd.testing.assert_frame_equal(
        list_tasks(demo, owner=owner, limit=5), mine.head(5), check_dtype=False
    )
