"""An undone import hands the stored frames after it to the cache (`service.undo_frames`)
instead of the next read fetching every account and snapshot again: those frames must be
exactly what that read gives, through `cspm imports undo` and through Edit > Undo, on a
Salesforce-shaped monthly portfolio whose undone month changed values, churned accounts and
added new logos (which the undo removes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cspm.core.analysis import expand_custom
from cspm.service.context import AppContext
from cspm.service.import_undo import undo_latest_import
from cspm.service.portfolio import load_portfolio
from cspm.service.undo import undo
from cspm.storage import accounts_repo, revision
from tests.service.test_outcomes_newest import MONTHS, TODAY, _import


def _read_fresh(ctx: AppContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with ctx.db.session() as s:
        state = accounts_repo.load_accounts(s)
        history = accounts_repo.load_history(s, accounts=state)
    custom, _ = expand_custom(state["custom"])
    return state.drop(columns=["custom"]), custom, history


@pytest.mark.parametrize("how", ["imports undo", "edit undo"])
def test_the_frames_an_undo_hands_over_equal_a_fresh_read(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = AppContext.open(str(tmp_path / "monthly.sqlite3"), today=TODAY)
    try:
        for month, as_of in enumerate(MONTHS):
            _import(ctx, tmp_path, month, as_of)
        load_portfolio(ctx)  # the window was open: the frames before the undo are held
        before = len(load_portfolio(ctx).frame)
        _import(ctx, tmp_path, 7, dt.date(2026, 9, 30))
        assert len(load_portfolio(ctx).frame) > before  # new logos the undo removes
        reads: list[int] = []
        real_read = accounts_repo.load_history

        def counted(*args: Any, **kwargs: Any) -> pd.DataFrame:
            reads.append(1)
            return real_read(*args, **kwargs)

        # counted, still read: by the undo or the task regeneration after it
        monkeypatch.setattr(accounts_repo, "load_history", counted)
        if how == "imports undo":
            undo_latest_import(ctx)
        else:
            undo(ctx)
        assert not reads  # the tasks after the undo were planned on frames handed over
        monkeypatch.undo()
        with ctx.db.session() as s:
            token = revision.accounts_token(s)
        held = ctx.cache.stored
        assert held is not None and held[0] == token
        state, custom, history = _read_fresh(ctx)
        frames = held[1]
        for got, read in ((frames.state, state), (frames.custom, custom)):
            pd.testing.assert_frame_equal(got, read, check_exact=True)
            # and cell by cell as Python sees them: None where a read has None, not NaN
            pd.testing.assert_frame_equal(
                got.astype(object).map(repr), read.astype(object).map(repr)
            )
        pd.testing.assert_frame_equal(frames.history, history, check_exact=True)
        assert len(load_portfolio(ctx).frame) == before
    finally:
        ctx.close()
