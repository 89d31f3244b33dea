"""The Tasks view's history: completed, snoozed, dismissed and resolved tasks (who, when, note),
with Reopen, so a mis-click is found and put right without the command line.

Loads `task_history` in a worker; Reopen runs `reopen_task` in a worker and emits `changed`
with the Change (the Tasks view reloads its open list and tells the window).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.service.context import AppContext
from cspm.service.task_history import HISTORY_STATUSES, STATUS_LABELS, reopen_task, task_history

from .busy import report_error, run

COLUMNS = ("When", "What", "Who", "Account", "Task", "Note")
LIMIT = 500


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _when(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def show_switch(parent: QWidget) -> tuple[QWidget, QButtonGroup]:
    """ "Show: Open | History": two checkable buttons, id 0 and 1."""
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    group = QButtonGroup(box)
    for i, text in enumerate(("Open", "History")):
        button = QPushButton(text)
        button.setCheckable(True)
        button.setChecked(i == 0)
        button.setObjectName(f"show-{text.lower()}")
        button.setStyleSheet(
            "QPushButton { padding: 3px 14px; }"
            " QPushButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border: 1px solid palette(highlight); }"
        )
        group.addButton(button, i)
        row.addWidget(button)
    return box, group


def stacked_pages(open_parts: list[QLayout | QWidget], history: QWidget) -> QStackedWidget:
    """Page 0: the open list's parts stacked top to bottom (the table stretches); page 1: the
    history panel."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    for part in open_parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part, 1 if isinstance(part, QAbstractItemView) else 0)
    pages = QStackedWidget()
    pages.addWidget(page)
    pages.addWidget(history)
    return pages


class TaskHistoryPanel(QWidget):
    changed = Signal(object)  # the Change a Reopen made
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.frame: pd.DataFrame | None = None
        self._request = 0
        self.status_combo = QComboBox()
        self.status_combo.addItem("Everything", None)
        for status in HISTORY_STATUSES:
            self.status_combo.addItem(STATUS_LABELS[status].capitalize(), status)
        self.summary = QLabel("")
        self.reopen_button = QPushButton("Reopen")
        self.reopen_button.setToolTip("Put the selected task back on the open list")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((130, 170, 90, 190, 200)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._update_actions)
        top = QHBoxLayout()
        top.addWidget(QLabel("Status:"))
        top.addWidget(self.status_combo)
        top.addSpacing(8)
        top.addWidget(self.reopen_button)
        top.addStretch(1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.status_combo.currentIndexChanged.connect(self.reload)
        self._update_actions()

    @Slot()
    def reload(self) -> None:
        self._request += 1
        request = self._request
        status = self.status_combo.currentData()
        statuses = (status,) if status else HISTORY_STATUSES
        self.summary.setText("Loading…")
        run(
            self,
            lambda ctx: task_history(ctx, statuses=statuses, limit=LIMIT),
            self.ctx,
            on_done=lambda frame: self._show(request, frame),
            on_error=lambda exc: report_error(self, exc),
        )

    def _show(self, request: int, frame: pd.DataFrame) -> None:
        if request != self._request:
            return
        self.frame = frame
        self.table.setRowCount(len(frame))
        for r, row in enumerate(frame.itertuples(index=False)):
            what = row.what
            if row.status == "snoozed" and not pd.isna(row.snoozed_until):
                what = f"snoozed until {pd.Timestamp(row.snoozed_until).date().isoformat()}"
            cells = (_when(row.at), what, _text(row.by), _text(row.account_name) or row.account_key,
                     row.title, _text(row.note))  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, int(row.id))
                item.setToolTip(str(text))
                self.table.setItem(r, c, item)
        n = len(frame)
        self.summary.setText(f"{n:,} task{'s' if n != 1 else ''}" if n else "No history yet")
        self._update_actions()
        self.loaded.emit()

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _update_actions(self) -> None:
        self.reopen_button.setEnabled(bool(self.table.selectedItems()))

    @Slot()
    def reopen_selected(self) -> None:
        task_id = self.selected_id()
        if task_id is None:
            return
        self.reopen_button.setEnabled(False)
        run(self, reopen_task, self.ctx, task_id, on_done=self._reopened, on_error=self._failed)

    def _reopened(self, change: Any) -> None:
        self.changed.emit(change)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        report_error(self, exc)
        self.reload()
