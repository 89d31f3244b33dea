"""A QBR pack loads the open tasks once for all its accounts: each section equals the section
built on its own (tasks loaded for that account alone), on the demo portfolio."""

from __future__ import annotations

import pandas as pd

from cspm.service.context import AppContext
from cspm.service.portfolio import list_accounts
from cspm.service.qbr_pack import pack_sections, qbr_account
from cspm.service.tasks import list_tasks
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _same(one: object, other: object) -> None:
    for name, value in vars(one).items():
        theirs = getattr(other, name)
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, theirs)
        else:
            assert value == theirs, name


def test_pack_sections_equal_sections_built_one_by_one(demo: AppContext) -> None:  # noqa: F811
    tasks = list_tasks(demo)
    busy = tasks["account_key"].value_counts().index[:3].tolist()
    refs = [*busy, *list_accounts(demo).index[:5].tolist()]
    shared = pack_sections(demo, refs, keys=True)
    alone = [qbr_account(demo, ref) for ref in refs]
    assert [s.key for s in shared] == refs
    assert any(s.open_tasks for s in shared)  # the shared tasks reached the sections
    for one, other in zip(shared, alone, strict=True):
        _same(one, other)
