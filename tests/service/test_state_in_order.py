"""Past states read from snapshots already in (as_of, import_id) order, as they are loaded,
take a prefix of them and skip the sort (no copies of 600,000 rows: the workbook export's
memory peak); they equal what the previous way (filter, drop duplicates, sort: written out
below) made of the same snapshots, on the demo portfolio's year of monthly snapshots, with
segment membership. Reading only the deciding snapshots of one day (`few`, a quarter's
outcomes on a machine with no copy of them) gives those same states too."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cspm.core import state as state_module
from cspm.core.fields import FIELD_NAMES
from cspm.core.rules import Rule
from cspm.core.state import derive_state
from cspm.service import outcomes as outcomes_service
from cspm.service.context import AppContext
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _previous_state_at(
    h: outcomes_service._History, day: dt.date, rules: dict[str, Rule]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`outcomes._state_at` as it was: a filtered copy, then one without repeats (accounts in
    id order)."""
    assert h.snapshots is not None
    snaps = h.snapshots[h.snapshots["as_of"] <= pd.Timestamp(day)]
    snaps = snaps.drop_duplicates(["account_id", "import_id"], keep="last")
    state = derive_state(snaps, h.carried, FIELD_NAMES).sort_index().reset_index()
    state.insert(0, "key", state["account_id"].map(h.keys).astype(object))
    state = state.drop(columns=["account_id"])
    return outcomes_service._analysed_as_of(state, h.history, day, h, rules)


def test_in_order_snapshots_give_the_previous_states(
    demo: AppContext,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = outcomes_service._load(demo)
    assert h.snapshots is None  # read when a past state is first asked for
    deciding = {}
    for day in h.as_of_dates[:-1]:  # of a few days: each day's deciding snapshots only
        deciding[day] = outcomes_service._state_at(demo, h, day, outcomes_service._rules(demo),
                                                   few=True)  # fmt: skip
    assert h.snapshots is None
    h.rows_until(demo, h.as_of_dates[-1], few=False)
    assert h.snapshots is not None
    assert h.snapshots["as_of"].is_monotonic_increasing  # so the prefix way is taken
    assert state_module._in_order(h.snapshots)  # and the sort skipped
    rules = outcomes_service._rules(demo)
    assert rules
    days = h.as_of_dates
    assert len(days) >= 6
    for day in (days[0], days[len(days) // 2], days[-2]):
        frame, members = outcomes_service._state_at(demo, h, day, rules)
        pd.testing.assert_frame_equal(frame, deciding[day][0], check_exact=True)
        pd.testing.assert_frame_equal(members, deciding[day][1], check_exact=True)
        with monkeypatch.context() as m:
            m.setattr(state_module, "_in_order", lambda _frame: False)  # always sorted
            before, before_members = _previous_state_at(h, day, rules)
        assert len(frame) > 0
        pd.testing.assert_frame_equal(frame, before, check_exact=True)
        pd.testing.assert_frame_equal(members, before_members, check_exact=True)


def test_out_of_order_rows_are_still_sorted(demo: AppContext) -> None:  # noqa: F811
    h = outcomes_service._load(demo)
    h.rows_until(demo, h.as_of_dates[-1], few=False)
    assert h.snapshots is not None
    shuffled = h.snapshots.sample(frac=1.0, random_state=16)
    assert not state_module._in_order(shuffled)
    undated = h.snapshots.assign(as_of=h.snapshots["as_of"].where(h.snapshots.index > 0))
    assert not state_module._in_order(undated)  # NaT sorts last: not "in order"
    pd.testing.assert_frame_equal(
        derive_state(shuffled, h.carried, FIELD_NAMES),
        derive_state(shuffled.sort_values(["as_of", "import_id"], kind="stable"), h.carried,
                     FIELD_NAMES),
        check_exact=True,
    )  # fmt: skip
