"""The Tasks view's history (Show: History) with Reopen, and the "Done. Undo" bar after a task
action, driven with real clicks and keys on the demo portfolio."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cspm.service.task_history import task_history
from cspm.service.tasks import dismiss_task, list_tasks
from cspm.ui.tasks_view import TasksView
from tests.ui.test_tasks_view import (  # noqa: F401  (fixtures)
    activate,
    demo_ctx,
    demo_file,
    shown_ids,
    view,
)


def priorities(ctx) -> dict[int, float]:
    tasks = list_tasks(ctx)
    return dict(zip(tasks["id"].astype(int), tasks["priority"].astype(float), strict=True))


def test_complete_shows_the_undo_bar_and_its_undo_restores_the_task(
    qtbot,
    view: TasksView,  # noqa: F811
    demo_ctx,  # noqa: F811
) -> None:
    activate(qtbot, view)
    before = priorities(demo_ctx)
    view.table.selectRow(0)
    task = view.selected_task()
    task_id = int(task["id"])
    assert not view.undo_bar.isVisible()
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.undo_bar.isVisible()
    assert view.undo_bar.message.text().startswith(f"Done: Complete '{task['title']}' for ")
    assert task_id not in shown_ids(view)
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.mouseClick(view.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert not view.undo_bar.isVisible()
    assert task_id in shown_ids(view)
    assert priorities(demo_ctx) == before


def test_history_lists_who_when_note_and_reopen_puts_the_task_back(
    qtbot,
    view: TasksView,  # noqa: F811
    demo_ctx,  # noqa: F811
) -> None:
    task_id = int(list_tasks(demo_ctx)["id"].iloc[3])
    dismiss_task(demo_ctx, task_id, "Handled by Sales")
    expected = task_history(demo_ctx, limit=500)
    with qtbot.waitSignal(view.history.loaded, timeout=30_000):
        qtbot.mouseClick(view.show_group.button(1), Qt.MouseButton.LeftButton)
    panel = view.history
    assert view.pages.currentWidget() is panel and not view.chooser.isEnabled()
    assert panel.table.rowCount() == len(expected)
    row = next(
        r
        for r in range(panel.table.rowCount())
        if panel.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == task_id
    )
    cells = [panel.table.item(row, c).text() for c in range(panel.table.columnCount())]
    assert cells[1] == "dismissed" and cells[5] == "Handled by Sales" and cells[2]
    assert not panel.reopen_button.isEnabled()
    panel.table.selectRow(row)
    assert panel.reopen_button.isEnabled()
    changed = []
    view.data_changed.connect(lambda: changed.append(1))
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        qtbot.mouseClick(panel.reopen_button, Qt.MouseButton.LeftButton)
    assert changed
    assert task_id in list_tasks(demo_ctx)["id"].tolist()
    assert all(
        panel.table.item(r, 0).data(Qt.ItemDataRole.UserRole) != task_id
        for r in range(panel.table.rowCount())
    )
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.mouseClick(view.show_group.button(0), Qt.MouseButton.LeftButton)
        view.reload()
    assert task_id in shown_ids(view)
