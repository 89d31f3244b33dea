"""Re-deriving from only the deciding snapshots (`load_deciding_snapshots`, what an undo or a
re-dating of a large import reads) gives exactly the state re-deriving from every snapshot
gives: over random histories of imports that carry different fields (custom ones too), share
dates, skip accounts and hold undated rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from cspm.core.fields import FIELD_NAMES
from cspm.core.state import deciding_import_sets, derive_state
from cspm.service.context import AppContext
from cspm.storage import accounts_repo, imports_repo
from cspm.storage.models import Account, AccountSnapshot, ImportRecord

CARRIABLE = ["arr", "owner", "health_score", "custom:Region code", "custom:Plan"]
DAYS = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
ACCOUNTS = 6

an_import = st.tuples(
    st.sampled_from(DAYS),  # the import's date
    st.lists(st.sampled_from(CARRIABLE), unique=True),  # what it carried
    st.lists(  # its rows: account, the row's own date (a derived history's differ), a seed
        st.tuples(st.integers(0, ACCOUNTS - 1), st.sampled_from(DAYS), st.integers(0, 3)),
        max_size=8,
    ),
)


def _store_history(ctx: AppContext, imports: list) -> None:
    with ctx.db.session() as s:
        s.execute(delete(AccountSnapshot))
        s.execute(delete(Account))
        s.execute(delete(ImportRecord))
        s.execute(
            insert(Account),
            [
                {"id": a + 1, "key": f"acc-{a}", "updated_at": dt.datetime(2026, 4, 1)}
                for a in range(ACCOUNTS)
            ],
        )
        for n, (day, carried, rows) in enumerate(imports, start=1):
            s.execute(
                insert(ImportRecord),
                [
                    {
                        "id": n,
                        "file_name": f"f{n}.csv",
                        "sha256": "x",
                        "mapping": {},
                        "carried_fields": carried,
                        "as_of": day,
                        "started_at": dt.datetime(2026, 4, 1),
                        "status": "committed",
                    }
                ],
            )
            if rows:
                s.execute(
                    insert(AccountSnapshot),
                    [
                        {
                            "import_id": n,
                            "account_id": a + 1,
                            "as_of": own,
                            "arr": 1000.0 * seed,
                            "owner": f"owner {seed}" if seed else None,
                            "health_score": 10.0 * seed + n,
                            "custom": {"Region code": f"R{seed}", "Plan": f"P{n}"},
                        }
                        for a, own, seed in rows
                    ],
                )


def _derived_both_ways(ctx: AppContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    with ctx.db.session() as s:
        carried = imports_repo.carried_by_import(s)
        fields = accounts_repo.carried_fields(carried)
        every = accounts_repo.load_snapshots(s, fields=fields)
        sets = deciding_import_sets(carried, FIELD_NAMES)
        deciding = accounts_repo.load_deciding_snapshots(s, sets, fields=fields)
    return (
        derive_state(every, carried, FIELD_NAMES).sort_index(),
        derive_state(deciding, carried, FIELD_NAMES).sort_index(),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(imports=st.lists(an_import, min_size=1, max_size=5))
def test_the_deciding_rows_derive_the_same_state(store: AppContext, imports: list) -> None:
    _store_history(store, imports)
    full, reduced = _derived_both_ways(store)
    pd.testing.assert_frame_equal(reduced, full, check_exact=True)


def test_fewer_rows_are_read_and_the_latest_carrier_wins(store: AppContext) -> None:
    """Three monthly imports of two accounts: the third carries only ARR, so the owner comes
    from the second; of two rows of one account, date and import, the later stored wins."""
    imports = [
        (DAYS[0], ["arr", "owner"], [(0, DAYS[0], 1), (1, DAYS[0], 1)]),
        (DAYS[1], ["arr", "owner"], [(0, DAYS[1], 2), (1, DAYS[1], 2)]),
        (DAYS[2], ["arr"], [(0, DAYS[2], 3), (1, DAYS[2], 0), (1, DAYS[2], 2)]),
    ]
    _store_history(store, imports)
    with store.db.session() as s:
        carried = imports_repo.carried_by_import(s)
        sets = deciding_import_sets(carried, FIELD_NAMES)
        deciding = accounts_repo.load_deciding_snapshots(s, sets, fields={"arr", "owner"})
    assert len(deciding) == 4  # of 7: the first import and a repeated row decide nothing
    state = derive_state(deciding, carried, FIELD_NAMES)
    assert state.loc[1, "arr"] == 3000.0 and state.loc[1, "owner"] == "owner 2"
    assert state.loc[2, "arr"] == 2000.0 and state.loc[2, "owner"] == "owner 2"
