"""The account detail's tasks and touchpoints: each open task can be completed, snoozed or
dismissed right there (the service's complete/snooze/dismiss in a worker), and a touchpoint
logged, without going to the Tasks view; the dialog reloads after each action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspm.service.accounts import AccountDetail, OpenTask
from cspm.service.context import AppContext
from cspm.service.tasks import complete_task, dismiss_task, snooze_task

from .account_detail_parts import make_label
from .busy import report_error, run


class TaskRow(QWidget):
    """One open task: its line and its three actions."""

    def __init__(self, task: OpenTask, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.setObjectName(f"task-{task.id}")
        self.label = make_label(task.text)
        self.complete_button = QPushButton("Done")
        self.complete_button.setToolTip("Mark this task done")
        self.snooze_button = QPushButton("Snooze…")
        self.snooze_button.setToolTip("Hide it until a date you pick")
        self.dismiss_button = QPushButton("Dismiss…")
        self.dismiss_button.setToolTip("Not needed; you say why")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        for button in (self.complete_button, self.snooze_button, self.dismiss_button):
            row.addWidget(button)

    def set_enabled(self, on: bool) -> None:
        for button in (self.complete_button, self.snooze_button, self.dismiss_button):
            button.setEnabled(on)


class TasksBox(QGroupBox):
    """Open tasks (actionable) beside the touchpoint log; `acted` once a task action is saved."""

    acted = Signal()

    def __init__(self, ctx: AppContext, d: AccountDetail, parent: QWidget | None = None) -> None:
        super().__init__("Tasks and touchpoints", parent)
        self.ctx = ctx
        self.dialog: QWidget | None = None
        layout = QGridLayout(self)
        layout.addWidget(make_label("Open tasks", bold=True), 0, 0)
        layout.addWidget(make_label("Touchpoint log", bold=True), 0, 1)
        tasks = QVBoxLayout()
        self.rows: list[TaskRow] = []
        for task in d.tasks:
            row = TaskRow(task, self)
            row.complete_button.clicked.connect(lambda _=False, t=task: self.complete(t))
            row.snooze_button.clicked.connect(lambda _=False, t=task: self.snooze(t))
            row.dismiss_button.clicked.connect(lambda _=False, t=task: self.dismiss(t))
            self.rows.append(row)
            tasks.addWidget(row)
        if not d.tasks:
            self.empty_label = make_label("No tasks", muted=True)
            self.empty_label.setObjectName("open-tasks")
            tasks.addWidget(self.empty_label)
        tasks.addStretch(1)
        layout.addLayout(tasks, 1, 0)
        touchpoints = "\n".join(str(t) for t in d.touchpoints) or "No touchpoints logged"
        touch_label = make_label(touchpoints, muted=not d.touchpoints)
        layout.addWidget(touch_label, 1, 1, Qt.AlignmentFlag.AlignTop)
        self.touchpoint_button = QPushButton("Log touchpoint...")
        self.qbr_button = QPushButton("Export QBR pack...")
        layout.addWidget(self.qbr_button, 2, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.touchpoint_button, 2, 1, Qt.AlignmentFlag.AlignRight)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)

    def row_of(self, task_id: int) -> TaskRow:
        return next(r for r in self.rows if r.task.id == task_id)

    # ---- actions ---------------------------------------------------------------------------
    def complete(self, task: OpenTask) -> None:
        self._act(complete_task, task.id)

    def snooze(self, task: OpenTask) -> None:
        from .touchpoint_dialog import SnoozeDialog

        dialog = SnoozeDialog(self.ctx.today, task.title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda day: self._act(snooze_task, task.id, day))
        self.dialog = dialog
        dialog.open()

    def dismiss(self, task: OpenTask) -> None:
        from .touchpoint_dialog import DismissDialog

        dialog = DismissDialog(task.title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda reason: self._act(dismiss_task, task.id, reason))
        self.dialog = dialog
        dialog.open()

    def _act(self, call: Callable[..., Any], *args: Any) -> None:
        for row in self.rows:
            row.set_enabled(False)

        def failed(exc: BaseException) -> None:
            for row in self.rows:
                row.set_enabled(True)
            report_error(self, exc)

        # the result (None, or a change record) is not needed: the dialog reloads everything
        run(self, call, self.ctx, *args, on_done=lambda _r: self.acted.emit(), on_error=failed)
