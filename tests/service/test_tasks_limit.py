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


def test_an_accounts_tasks_are_its_rows_of_the_whole_ranking(demo: AppContext) -> None:  # noqa: F811
    """The account page and the QBR pack rank one account's tasks (or a pack's) only; they
    are the same tasks, in the same order, as that account's rows of the full list."""
    from cspm.service.accounts import account_detail

    full = list_tasks(demo)
    busiest = full["account_key"].value_counts().index[:3].tolist()
    mine = list_tasks(demo, accounts=busiest)
    expected = full[full["account_key"].isin(busiest)].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, expected, check_dtype=False)
    detail = account_detail(demo, busiest[0])
    ids = [t.id for t in detail.tasks]
    assert ids == expected.loc[expected["account_key"] == busiest[0], "id"].tolist()
    assert len(ids) >= 2
