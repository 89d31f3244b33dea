"""Edit > Undo / Redo in the window, driven with real keys on the demo portfolio: complete a
task in the Tasks view, Ctrl+Z, and the same task is open again with the same priority."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.tasks import list_tasks
from cspm.ui.main_window import MainWindow
from cspm.ui.tasks_view import TasksView
from tests.ui.test_tasks_view import demo_ctx, demo_file, shown_ids  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def tasks_window(qtbot, ctx) -> tuple[MainWindow, TasksView]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=30_000)
    window.show_view("tasks")
    view = window.view("tasks")
    assert isinstance(view, TasksView)
    qtbot.waitUntil(lambda: view.tasks is not None, timeout=30_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, view


def priorities(ctx) -> dict[int, float]:
    tasks = list_tasks(ctx)
    return dict(zip(tasks["id"].astype(int), tasks["priority"].astype(float), strict=True))


def test_complete_then_ctrl_z_reopens_the_same_task_with_its_priority(
    qtbot,
    demo_ctx,  # noqa: F811
) -> None:
    window, view = tasks_window(qtbot, demo_ctx)
    undo = window.undo_actions
    # the demo's last change: importing its usage events (after its CRM exports)
    qtbot.waitUntil(lambda: undo.undo_action.text().startswith("Undo Import product-usage"))
    before = priorities(demo_ctx)
    view.table.setFocus()
    view.table.selectRow(1)
    task = view.selected_task()
    task_id, title = int(task["id"]), str(task["title"])
    with qtbot.waitSignals([undo.state_read, window.portfolio.loaded], timeout=30_000):
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: task_id not in shown_ids(view), timeout=30_000)
    assert undo.undo_action.isEnabled()
    assert undo.undo_action.text().startswith(f"Undo Complete '{title}' for ")
    edit = next(m for m in window.menuBar().actions() if m.text() == "&Edit").menu()
    assert undo.undo_action in edit.actions() and undo.redo_action in edit.actions()

    reloads: list[object] = []
    window.portfolio.loaded.connect(reloads.append)
    with qtbot.waitSignal(undo.changed, timeout=30_000) as done:
        qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert done.args[0].undo_of is not None and done.args[0].touches == {"tasks"}
    assert priorities(demo_ctx) == before  # the same id, open, with the same priority
    qtbot.waitUntil(lambda: task_id in shown_ids(view), timeout=30_000)  # the view refreshed
    assert reloads == []  # a change to tasks alone does not reload the portfolio
    qtbot.waitUntil(lambda: undo.redo_action.isEnabled(), timeout=30_000)
    assert undo.redo_action.text() == undo.undo_action.text().replace("Undo", "Redo", 1) or (
        undo.redo_action.text().startswith(f"Redo Complete '{title}'")
    )

    with qtbot.waitSignal(undo.changed, timeout=30_000):
        qtbot.keyClick(
            view.table,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert task_id not in priorities(demo_ctx)
    qtbot.waitUntil(lambda: task_id not in shown_ids(view), timeout=30_000)
