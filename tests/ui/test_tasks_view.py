"""TasksView with real widgets on the demo portfolio: the service's tasks in the service's order,
the chooser and filters, complete from the keyboard, snooze, dismiss, log a touchpoint."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import complete_task, list_tasks
from cspm.ui.tasks_view import RED, TasksView
from cspm.ui.touchpoint_dialog import DismissDialog, SnoozeDialog, TouchpointDialog
from tests.conftest import TODAY, drain_workers

DEMO_ACCOUNTS = 120


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo portfolio (120 accounts, a year of monthly snapshots), built once per run."""
    path = tmp_path_factory.getbasetemp() / "cspm-demo-120" / "demo.sqlite3"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        load_demo(str(path), accounts=DEMO_ACCOUNTS, today=TODAY)
    return path


@pytest.fixture
def demo_ctx(demo_file: Path, tmp_path: Path) -> Iterator[AppContext]:
    """A fresh copy of the demo database per test."""
    copy = tmp_path / "demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(demo_file) + suffix)
        if source.exists():
            shutil.copy(source, str(copy) + suffix)
    ctx = AppContext.open(str(copy), today=TODAY)
    yield ctx
    drain_workers()
    ctx.close()


@pytest.fixture
def view(qtbot, demo_ctx) -> TasksView:
    v = TasksView(demo_ctx)
    qtbot.addWidget(v)
    v.resize(1100, 700)
    v.show()
    qtbot.waitUntil(lambda: v.tasks is not None, timeout=30_000)
    return v


def shown_ids(view: TasksView) -> list[int]:
    proxy = view.proxy
    return [
        int(view.model.task(proxy.mapToSource(proxy.index(r, 0)).row())["id"])
        for r in range(proxy.rowCount())
    ]


def pick(qtbot, view: TasksView, combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        combo.setCurrentIndex(index)


def activate(qtbot, view: TasksView) -> None:
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()


def test_the_list_is_the_services_tasks_in_its_order(qtbot, view, demo_ctx) -> None:
    expected = list_tasks(demo_ctx)
    assert len(expected) > 20
    assert shown_ids(view) == expected["id"].tolist()
    assert view.summary.text().startswith(f"{len(expected):,} open tasks")
    model = view.model
    first = expected.iloc[0]
    assert model.data(model.index(0, 0)) == f"{first['priority']:.0f}"
    assert model.data(model.index(0, 4)) == first["title"]
    assert model.data(model.index(0, 5)) == "; ".join(first["reasons"])
    tip = model.data(model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert all(reason in tip for reason in first["reasons"])
    # overdue due dates are red, the others are not
    overdue = expected.index[expected["due_date"] < pd.Timestamp(TODAY)]
    later = expected.index[expected["due_date"] >= pd.Timestamp(TODAY)]
    assert len(overdue) and len(later)
    assert model.data(model.index(int(overdue[0]), 1), Qt.ItemDataRole.ForegroundRole) == RED
    assert model.data(model.index(int(later[0]), 1), Qt.ItemDataRole.ForegroundRole) is None


def test_chooser_and_filters_match_the_service(qtbot, view, demo_ctx) -> None:
    pick(qtbot, view, view.chooser, "segment:At risk")
    expected = list_tasks(demo_ctx, segment="At risk")
    assert 0 < len(expected) < len(list_tasks(demo_ctx))
    assert shown_ids(view) == expected["id"].tolist()

    pick(qtbot, view, view.chooser, "tier:Enterprise")
    assert shown_ids(view) == list_tasks(demo_ctx, tier="Enterprise")["id"].tolist()

    owner = view.owner_combo.itemData(1)
    pick(qtbot, view, view.owner_combo, owner)
    expected = list_tasks(demo_ctx, tier="Enterprise", owner=owner)
    assert shown_ids(view) == expected["id"].tolist()

    pick(qtbot, view, view.chooser, "all")
    pick(qtbot, view, view.due_combo, -1)
    expected = list_tasks(demo_ctx, owner=owner, due_within=-1)
    assert shown_ids(view) == expected["id"].tolist()
    assert (expected["due_date"] < pd.Timestamp(TODAY)).all()
    pick(qtbot, view, view.due_combo, 7)
    assert shown_ids(view) == list_tasks(demo_ctx, owner=owner, due_within=7)["id"].tolist()


def test_ctrl_return_completes_the_selected_task(qtbot, view, demo_ctx) -> None:
    activate(qtbot, view)
    view.table.selectRow(2)
    task_id = int(view.selected_task()["id"])
    assert "Ctrl+Return" in view.complete_button.toolTip()
    changed = []
    view.data_changed.connect(lambda: changed.append(1))
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert changed
    assert task_id not in shown_ids(view)
    assert task_id not in list_tasks(demo_ctx)["id"].tolist()
    assert shown_ids(view) == list_tasks(demo_ctx)["id"].tolist()
    assert view.table.currentIndex().row() == 2  # the next task is selected, ready to go on


def test_snooze_from_the_keyboard_and_dismiss_with_a_reason(qtbot, view, demo_ctx) -> None:
    activate(qtbot, view)
    view.table.selectRow(0)
    first = int(view.selected_task()["id"])
    qtbot.keyClick(view.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    dialog = view.dialog
    assert isinstance(dialog, SnoozeDialog) and dialog.isVisible()
    assert dialog.day() == TODAY + dt.timedelta(days=7)
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        dialog.date_edit.setDate(dialog.date_edit.date().addDays(7))
        qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Return)
    assert first not in shown_ids(view)
    snoozed = list_tasks(demo_ctx, include_snoozed=True).set_index("id")
    assert snoozed.loc[first, "status"] == "snoozed"

    view.table.selectRow(0)
    second = int(view.selected_task()["id"])
    qtbot.mouseClick(view.dismiss_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, DismissDialog)
    assert not dialog.ok_button.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "Customer handled it with Sales")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(view.data_changed, timeout=30_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second not in shown_ids(view), timeout=30_000)
    assert second not in list_tasks(demo_ctx, include_snoozed=True)["id"].tolist()


def test_log_touchpoint_updates_the_last_interaction(qtbot, view, demo_ctx) -> None:
    frame = load_portfolio(demo_ctx).frame
    before = frame["last_interaction"]
    keys = [str(t["account_key"]) for t in view.model._rows]
    row = next(i for i, k in enumerate(keys) if before.loc[k] < pd.Timestamp(TODAY))
    key = keys[row]
    view.table.selectRow(row)
    qtbot.mouseClick(view.touch_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, TouchpointDialog) and dialog.account == key
    assert dialog.day() == TODAY
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("meeting"))
    qtbot.keyClicks(dialog.note_edit, "Walked through the renewal plan")
    with qtbot.waitSignal(view.data_changed, timeout=30_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    after = load_portfolio(demo_ctx).frame.loc[key, "last_interaction"]
    assert after == pd.Timestamp(TODAY)


def test_a_failed_action_is_shown_readably(qtbot, view, demo_ctx) -> None:
    view.table.selectRow(0)
    task_id = int(view.selected_task()["id"])
    complete_task(demo_ctx, task_id)  # done elsewhere, behind the view's back
    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "cspm-error") is not None, timeout=30_000)
    assert view.findChild(QMessageBox, "cspm-error").text() == f"Task {task_id} is already done."
    qtbot.waitUntil(lambda: task_id not in shown_ids(view), timeout=30_000)


def test_context_menu_offers_every_action_with_its_shortcut(qtbot, view) -> None:
    view.table.selectRow(0)
    rect = view.table.visualRect(view.proxy.index(0, 2))
    view.table.customContextMenuRequested.emit(rect.center())
    menu = view.menu
    assert [a.text() for a in menu.actions()] == [
        "Open account",  # Enter in the list (navigation opens it)
        "",  # a separator
        "Complete",
        "Snooze…",
        "Dismiss…",
        "Log touchpoint…",
    ]
    assert all(not a.shortcut().isEmpty() for a in menu.actions()[2:])
    menu.close()
