"""The change records themselves: what `perform` stores, and the caches following them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cspm.core.errors import BadInputError
from cspm.service.changes import Change, Outcome, perform
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.personal import current_user
from cspm.service.portfolio import load_portfolio, set_tier_override
from cspm.service.tasks import complete_task, list_tasks, log_touchpoint, snooze_task
from cspm.service.undo import recent_changes, undo
from cspm.storage import revision
from tests.files import write_csv
from tests.service.test_tasks_service import HEADER, ROWS


@pytest.fixture
def loaded(ctx: AppContext, tmp_path: Path) -> AppContext:
    import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    return ctx


def rev(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return revision.current(s)


def test_a_change_is_stored_with_user_time_touches_and_its_result(loaded: AppContext) -> None:
    change = log_touchpoint_change(loaded)
    assert isinstance(change, Change) and change.id is not None
    stored = recent_changes(loaded, 1)[0]
    assert stored.id == change.id and stored.user == current_user()
    assert stored.action == "Log qbr with Eagle" and stored.touches == {"touchpoints"}
    assert stored.undoable and abs(stored.at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < (
        dt.timedelta(minutes=5)
    )


def log_touchpoint_change(ctx: AppContext) -> Change:
    from cspm.service.tasks import log_touchpoint_change as log

    change = log(ctx, "E1", "qbr")
    assert change.result == "E1"
    return change


def test_the_portfolio_follows_every_change_and_undo(loaded: AppContext) -> None:
    ctx = loaded
    first = load_portfolio(ctx)
    last_qbr = first.frame.at["E1", "last_qbr"]
    log_touchpoint(ctx, "E1", "qbr")
    after = load_portfolio(ctx)
    assert after is not first and after.frame.at["E1", "last_qbr"] != last_qbr
    undo(ctx)
    assert load_portfolio(ctx).frame.at["E1", "last_qbr"] == last_qbr  # never stale
    set_tier_override(ctx, "S1", "Enterprise", "logo")
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Enterprise"
    undo(ctx)
    assert load_portfolio(ctx).frame.at["S1", "tier"] != "Enterprise"


def test_task_actions_keep_the_revision_and_the_analysed_portfolio(loaded: AppContext) -> None:
    """Tasks are not read by the analysis: acting on one must not recompute 100,000 accounts."""
    ctx = loaded
    held, number = load_portfolio(ctx), rev(ctx)
    task_id = int(list_tasks(ctx)["id"].iloc[0])
    snooze_task(ctx, task_id, ctx.today + dt.timedelta(days=3))
    undo(ctx)
    assert rev(ctx) == number and load_portfolio(ctx) is held
    complete_task(ctx, task_id, touchpoint="call")  # a touchpoint is read by the analysis
    assert rev(ctx) == number + 1 and load_portfolio(ctx) is not held


def test_work_that_fails_or_writes_nothing_leaves_no_record(loaded: AppContext) -> None:
    ctx = loaded
    count, number = len(recent_changes(ctx, 100)), rev(ctx)

    def nothing(_s: object) -> Outcome[int]:
        return Outcome(7, changed=False)

    change = perform(ctx, "Nothing", {"settings"}, nothing)
    assert change.id is None and change.result == 7 and not change.undoable

    def failing(s: object) -> Outcome[None]:
        set_override = __import__("cspm.storage.settings_repo", fromlist=["x"]).set_override
        set_override(s, "E1", "SMB", "half-done")
        raise BadInputError("refused half-way")

    with pytest.raises(BadInputError):
        perform(ctx, "Half", {"overrides"}, failing)
    assert len(recent_changes(ctx, 100)) == count and rev(ctx) == number
    assert load_portfolio(ctx).frame.at["E1", "tier"] != "SMB"  # rolled back


def test_unknown_touches_are_a_programming_error(loaded: AppContext) -> None:
    with pytest.raises(ValueError, match="unknown touches"):
        perform(loaded, "x", {"everything"}, lambda _s: Outcome(None))
