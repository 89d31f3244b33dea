"""Every user mutation is one change record that Undo takes back and Redo does again, through
the service on a real SQLite database built from a real CSV import."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cspm.core.errors import BadInputError
from cspm.service.context import AppContext
from cspm.service.import_undo import set_import_as_of, undo_latest_import
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio, set_tier_override
from cspm.service.segments import add_segment, edit_segment, list_segments, remove_segment
from cspm.service.settings import (
    get_settings,
    health_config,
    load_all,
    rename_tier,
    save_all,
    save_health_config,
    set_value,
)
from cspm.service.task_history import reopen_task, task_history
from cspm.service.tasks import (
    complete_task,
    delete_touchpoint,
    dismiss_task,
    list_tasks,
    log_touchpoint,
    snooze_task,
    touchpoints_of,
)
from cspm.service.undo import recent_changes, redo, redo_label, undo, undo_label, undo_state
from cspm.storage import imports_repo
from tests.files import write_csv
from tests.service.test_tasks_service import HEADER, ROWS

TODAY = dt.date(2026, 11, 23)
BIG = {"field": "arr", "op": ">", "value": 100000}


@pytest.fixture
def loaded(ctx: AppContext, tmp_path: Path) -> AppContext:
    import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    return ctx


def open_task(ctx: AppContext, key: str = "E1") -> dict:
    tasks = list_tasks(ctx)
    row = tasks[tasks["account_key"] == key].iloc[0]
    return {"id": int(row["id"]), "priority": float(row["priority"]), "title": row["title"]}


def open_ids(ctx: AppContext) -> dict[int, float]:
    tasks = list_tasks(ctx, include_snoozed=True)
    return dict(zip(tasks["id"].astype(int), tasks["priority"].astype(float), strict=True))


def test_complete_with_touchpoint_then_undo_reopens_the_same_task(loaded: AppContext) -> None:
    ctx = loaded
    task = open_task(ctx)
    before = open_ids(ctx)
    change = complete_task(ctx, task["id"], "called", touchpoint="call")
    assert change.action == f"Complete '{task['title']}' for Eagle"
    assert change.touches == {"tasks", "touchpoints"} and change.undoable
    assert task["id"] not in open_ids(ctx)
    assert len(touchpoints_of(ctx, "E1")) == 1
    assert undo_label(ctx) == f"Undo Complete '{task['title']}' for Eagle"

    undone = undo(ctx)
    assert undone.undo_of == change.id
    assert open_ids(ctx) == before  # the same ids, the same priorities
    assert touchpoints_of(ctx, "E1").empty
    assert redo_label(ctx) == f"Redo Complete '{task['title']}' for Eagle"

    redo(ctx)
    assert task["id"] not in open_ids(ctx)
    assert len(touchpoints_of(ctx, "E1")) == 1
    undo(ctx)  # the redo itself is undone again
    assert open_ids(ctx) == before


@pytest.mark.parametrize("act", ["dismiss", "snooze"])
def test_dismiss_and_snooze_undo_and_redo(loaded: AppContext, act: str) -> None:
    ctx = loaded
    task = open_task(ctx)
    before = open_ids(ctx)
    if act == "dismiss":
        dismiss_task(ctx, task["id"], "not relevant")
        assert task["id"] not in open_ids(ctx)
    else:
        snooze_task(ctx, task["id"], TODAY + dt.timedelta(days=7))
        assert list_tasks(ctx, include_snoozed=True).set_index("id").at[task["id"], "status"] == (
            "snoozed"
        )
    undo(ctx)
    assert open_ids(ctx) == before
    assert list_tasks(ctx).set_index("id").at[task["id"], "status"] == "open"
    redo(ctx)
    assert task["id"] not in set(list_tasks(ctx)["id"])


def test_reopen_from_history_and_undo_it(loaded: AppContext) -> None:
    ctx = loaded
    task = open_task(ctx)
    dismiss_task(ctx, task["id"], "wrong account")
    history = task_history(ctx)
    row = history.set_index("id").loc[task["id"]]
    assert row["what"] == "dismissed" and row["note"] == "wrong account"
    assert row["by"] and row["account_name"] == "Eagle"
    change = reopen_task(ctx, task["id"])
    assert change.action.startswith("Reopen")
    assert open_ids(ctx)[task["id"]] == pytest.approx(task["priority"])
    assert task["id"] not in set(task_history(ctx)["id"])
    undo(ctx)
    assert task["id"] not in open_ids(ctx)
    with pytest.raises(BadInputError, match="already"):
        dismiss_task(ctx, task["id"], "again")


def test_touchpoint_log_and_delete(loaded: AppContext) -> None:
    ctx = loaded
    log_touchpoint(ctx, "S1", "call", note="hello")
    assert len(touchpoints_of(ctx, "S1")) == 1
    assert undo_label(ctx) == "Undo Log call with Stork"
    undo(ctx)
    assert touchpoints_of(ctx, "S1").empty
    redo(ctx)
    tp = int(touchpoints_of(ctx, "S1")["id"].iloc[0])
    delete_touchpoint(ctx, tp)
    assert touchpoints_of(ctx, "S1").empty
    undo(ctx)
    restored = touchpoints_of(ctx, "S1")
    assert list(restored["id"]) == [tp] and restored["note"].iloc[0] == "hello"


def test_tier_override_set_and_clear(loaded: AppContext) -> None:
    ctx = loaded
    tier_before = load_portfolio(ctx).frame.at["S1", "tier"]
    set_tier_override(ctx, "S1", "Enterprise", "strategic logo")
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Enterprise"
    undo(ctx)
    assert load_portfolio(ctx).frame.at["S1", "tier"] == tier_before  # never a stale portfolio
    redo(ctx)
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Enterprise"
    set_tier_override(ctx, "S1", None)
    assert load_portfolio(ctx).frame.at["S1", "tier"] == tier_before
    undo(ctx)
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Enterprise"


def segment_names(ctx: AppContext) -> set[str]:
    return {s.name for s in list_segments(ctx)}


def test_segment_add_edit_delete(loaded: AppContext) -> None:
    ctx = loaded
    add_segment(ctx, "Big", BIG)
    assert "Big" in segment_names(ctx)
    assert undo_label(ctx) == "Undo Add segment 'Big'"
    undo(ctx)
    assert "Big" not in segment_names(ctx)
    redo(ctx)
    edit_segment(ctx, "Big", new_name="Huge", rule={"field": "arr", "op": ">", "value": 200000})
    assert "Huge" in segment_names(ctx) and "Big" not in segment_names(ctx)
    undo(ctx)
    assert "Big" in segment_names(ctx)
    count = next(s.count for s in list_segments(ctx) if s.name == "Big")
    assert count == 1
    remove_segment(ctx, "Big")
    undo(ctx)
    assert "Big" in segment_names(ctx)


def as_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Act as another person: their own personal settings folder and user name."""
    from cspm.service.personal import USER, set_personal

    monkeypatch.setenv("CSPM_CONFIG_DIR", f"{os.environ['CSPM_CONFIG_DIR']}-{name}")
    set_personal(USER, name)


def test_segment_renamed_since_cannot_be_undone(
    loaded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = loaded
    add_segment(ctx, "Big", BIG)
    with monkeypatch.context() as m:
        as_user(m, "Robin")
        edit_segment(ctx, "Big", new_name="Huge")
    assert undo_label(ctx) == "Undo Add segment 'Big'"
    with pytest.raises(BadInputError, match="Segment 'Big' was changed since"):
        undo(ctx)
    assert "Huge" in segment_names(ctx)  # nothing changed
    assert undo_label(ctx) == "Undo Add segment 'Big'"


def test_settings_saves_undo_and_redo(loaded: AppContext) -> None:
    ctx = loaded
    old = get_settings(ctx).lifecycle.onboarding_days
    set_value(ctx, "lifecycle.onboarding_days", str(old + 10))
    assert get_settings(ctx).lifecycle.onboarding_days == old + 10
    undo(ctx)
    assert get_settings(ctx).lifecycle.onboarding_days == old
    redo(ctx)
    assert get_settings(ctx).lifecycle.onboarding_days == old + 10

    red = health_config(ctx).red_below
    save_health_config(
        ctx, __import__("dataclasses").replace(health_config(ctx), red_below=red + 1)
    )
    undo(ctx)
    assert health_config(ctx).red_below == red

    set_value(ctx, "tasks.capacity.hours_per_month", "80")
    hours = load_all(ctx).tasks
    undo(ctx)
    assert load_all(ctx).tasks != hours

    set_value(ctx, "currency.code", "EUR")
    undo(ctx)
    assert get_settings(ctx).currency.code != "EUR"


def test_tier_rename_is_undone_everywhere(loaded: AppContext) -> None:
    ctx = loaded
    set_tier_override(ctx, "S1", "Enterprise", "strategic")
    add_segment(ctx, "Ent", {"field": "tier", "op": "=", "value": "Enterprise"})
    rename_tier(ctx, "Enterprise", "Strategic")
    assert "Strategic" in get_settings(ctx).tier_names
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Strategic"
    assert undo_label(ctx) == "Undo Rename tier 'Enterprise' to 'Strategic'"
    undo(ctx)
    assert "Enterprise" in get_settings(ctx).tier_names
    assert load_portfolio(ctx).frame.at["S1", "tier"] == "Enterprise"
    assert next(s.count for s in list_segments(ctx) if s.name == "Ent") == 2
    save_all(ctx, load_all(ctx))
    label = undo_label(ctx)
    save_all(ctx, load_all(ctx))  # an identical save is no change at all
    assert undo_label(ctx) == label


def test_import_undo_and_redate_join_the_stack(ctx: AppContext, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "first.csv", [HEADER, *ROWS[:2]])
    second = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    import_file(ctx, first)
    import_file(ctx, second)
    assert len(load_portfolio(ctx).frame) == 3
    assert undo_label(ctx) == "Undo Import accounts.csv"
    change = undo(ctx)
    assert change.action == "Undo Import accounts.csv"
    assert len(load_portfolio(ctx).frame) == 2
    state = undo_state(ctx)
    assert state.redo_label == "Cannot redo Import accounts.csv: import the file again"
    assert not state.can_redo
    with pytest.raises(BadInputError, match="cannot be redone"):
        redo(ctx)

    with ctx.db.session() as s:
        latest = imports_repo.all_imports(s)[1]
    set_import_as_of(ctx, latest.id, TODAY - dt.timedelta(days=3))
    assert undo_label(ctx) == f"Undo Re-date import first.csv to {TODAY - dt.timedelta(days=3)}"
    undo(ctx)
    with ctx.db.session() as s:
        assert imports_repo.get_import(s, latest.id).as_of == TODAY  # type: ignore[union-attr]
    redo(ctx)
    with ctx.db.session() as s:
        record = imports_repo.get_import(s, latest.id)
        assert record is not None and record.as_of == TODAY - dt.timedelta(days=3)
    undo(ctx)
    # `cspm imports undo` is a change too, one that cannot be undone itself
    info = undo_latest_import(ctx)
    assert info.file_name == "first.csv"
    assert recent_changes(ctx, 1)[0].action == "Undo import first.csv"
    assert not recent_changes(ctx, 1)[0].undoable


def test_an_import_that_is_no_longer_the_latest_is_not_undone(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS[:2]]))
    with monkeypatch.context() as m:
        as_user(m, "Robin")
        import_file(ctx, write_csv(tmp_path / "b.csv", [HEADER, *ROWS]))
    assert undo_label(ctx) == "Undo Import a.csv"
    # Robin's later import holds the same accounts: it stands on a.csv (tests/team has more)
    with pytest.raises(BadInputError, match=r"Import 2 \(b.csv by Robin, .*same accounts"):
        undo(ctx)
    assert len(load_portfolio(ctx).frame) == 3  # nothing changed


def test_cspm_imports_undo_takes_the_import_off_the_stack(ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS[:2]]))
    log_touchpoint(ctx, "E1", "call")
    import_file(ctx, write_csv(tmp_path / "b.csv", [HEADER, *ROWS]))
    undo_latest_import(ctx)
    assert redo_label(ctx) == "Cannot redo Import b.csv: import the file again"
    assert undo_label(ctx) == "Undo Log call with Eagle"
    undo(ctx)
    assert undo_label(ctx) == "Undo Import a.csv"


def test_a_task_changed_since_is_refused_and_nothing_changes(loaded: AppContext) -> None:
    ctx = loaded
    task = open_task(ctx)
    snooze_task(ctx, task["id"], TODAY + dt.timedelta(days=2))
    # the snooze ends (a later day): the task is open again without the user's action
    ctx.today = TODAY + dt.timedelta(days=3)
    assert task["id"] in open_ids(ctx)
    label = undo_label(ctx)
    with pytest.raises(BadInputError, match=f"Task {task['id']} was changed since"):
        undo(ctx)
    assert undo_label(ctx) == label
    assert task["id"] in open_ids(ctx)


def test_a_new_change_clears_redo_and_redo_is_per_user(
    loaded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = loaded
    log_touchpoint(ctx, "S1", "call")
    undo(ctx)
    assert redo_label(ctx) is not None
    log_touchpoint(ctx, "M1", "email")
    assert redo_label(ctx) is None
    as_user(monkeypatch, "Robin")
    assert undo_label(ctx) is None  # Robin changed nothing yet
    with pytest.raises(BadInputError, match="nothing to undo"):
        undo(ctx)


def test_undoing_a_task_action_takes_no_backup_an_import_undo_does(
    ctx: AppContext, tmp_path: Path
) -> None:
    from cspm.service.backup import list_backups

    import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    before = len(list_backups(ctx.db.url))
    dismiss_task(ctx, open_task(ctx)["id"], "not ours")
    undo(ctx)
    assert len(list_backups(ctx.db.url)) == before  # the backup before the import stays
    undo(ctx)  # the import: stored accounts change, so a backup is taken first
    assert len(list_backups(ctx.db.url)) == before + 1
