"""Tasks: the prioritised list of open tasks, filtered, and acted on from the keyboard.

A chooser (all tasks, one segment, one tier), an owner and a due-window filter; the list in the
service's order (priority, then due date), overdue dates in red, reasons as a column and a
tooltip. Complete / snooze / dismiss / log touchpoint run as service calls in workers, then the
list reloads and `data_changed` tells the window. The table model lives in `task_model`.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.service.book import UNASSIGNED
from cspm.service.changes import Change
from cspm.service.context import AppContext
from cspm.service.tasks import complete_task, dismiss_task, snooze_task

from .account_opener import AccountOpener
from .busy import run, show_error
from .task_history_panel import TaskHistoryPanel, show_switch, stacked_pages
from .task_model import RED, SORT_ROLE, TaskModel, as_date, due_words
from .tasks_data import DUE_WINDOWS, TaskFilter, TasksData, choice, load_tasks
from .touchpoint_dialog import DismissDialog, SnoozeDialog, TouchpointDialog
from .undo_bar import UndoBar

# RED and TaskModel moved to task_model; re-exported so imports from here keep working.
__all__ = ["DUE_WINDOWS", "RED", "TaskFilter", "TaskModel", "TasksData", "TasksView", "choice",
           "load_tasks"]  # fmt: skip


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}"


def _action(view: QWidget, text: str, keys: list[str], slot: Any) -> QAction:
    action = QAction(text, view)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{text.rstrip('…')} ({shown})")
    action.triggered.connect(lambda _checked=False: slot())
    view.addAction(action)
    return action


class TasksView(QWidget):
    data_changed = Signal()
    loaded = Signal()  # the list shows the latest answer
    account_requested = Signal(str)  # account key: double-click, Enter or "Open account"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks: pd.DataFrame | None = None
        self.dialog: QWidget | None = None
        self._request = 0
        self._busy = False
        self._keep_row = 0

        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(22)
        self.chooser.addItem("All tasks", choice("all"))
        self.chooser.setToolTip("Show every open task, or one segment's or one tier's")
        self.owner_combo = QComboBox()
        self.owner_combo.setMinimumContentsLength(14)
        self.owner_combo.addItem("All owners", None)
        self.due_combo = QComboBox()
        for text, days in DUE_WINDOWS:
            self.due_combo.addItem(text, days)
        self.summary = QLabel("Loading tasks…")
        self.summary.setStyleSheet("color: #455a64;")
        top = QHBoxLayout()
        for label, combo in (("Show:", self.chooser), ("Owner:", self.owner_combo),
                             ("Due:", self.due_combo)):  # fmt: skip
            top.addWidget(QLabel(label))
            top.addWidget(combo)
            top.addSpacing(8)
        top.addStretch(1)
        top.addWidget(self.summary)

        self.complete_action = _action(self, "Complete", ["Ctrl+Return", "Ctrl+Enter"],
                                       self.complete_selected)  # fmt: skip
        self.snooze_action = _action(self, "Snooze…", ["Ctrl+S"], self.snooze_selected)
        self.dismiss_action = _action(self, "Dismiss…", ["Ctrl+D"], self.dismiss_selected)
        self.touch_action = _action(self, "Log touchpoint…", ["Ctrl+L"], self.log_touchpoint)
        self.actions_ = (
            self.complete_action,
            self.snooze_action,
            self.dismiss_action,
            self.touch_action,
        )
        bar = QHBoxLayout()
        self.buttons: list[QPushButton] = []
        for action in self.actions_:
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            bar.addWidget(button)
            self.buttons.append(button)
        self.complete_button, self.snooze_button, self.dismiss_button, self.touch_button = (
            self.buttons
        )
        bar.addStretch(1)

        self.model = TaskModel(ctx.today)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((70, 100, 230, 130, 230)):
            self.table.setColumnWidth(col, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.opener = AccountOpener(self.table, self._account_key, self.account_requested.emit,
                                    menu=False)  # fmt: skip
        self.table.selectionModel().currentRowChanged.connect(self._selected)

        self.detail = QLabel()
        self.detail.setObjectName("task-detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.detail.setStyleSheet(
            "QLabel#task-detail { background: palette(alternate-base); padding: 8px;"
            " border: 1px solid palette(mid); border-radius: 4px; }"
        )

        # "Show: Open | History": the open list, or the history panel in its place.
        self.switch, self.show_group = show_switch(self)
        top.insertWidget(0, self.switch)
        self.history = TaskHistoryPanel(ctx)
        self.history.changed.connect(self._acted)
        self.undo_bar = UndoBar(ctx)
        self.undo_bar.undone.connect(self._acted)
        self.pages = stacked_pages([bar, self.table, self.detail], self.history)
        self.show_group.idClicked.connect(self.show_page)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.undo_bar)

        self.chooser.currentIndexChanged.connect(self.reload)
        self.owner_combo.currentIndexChanged.connect(self.reload)
        self.due_combo.currentIndexChanged.connect(self.reload)
        self._update_actions()
        self.refresh()

    # -- loading --
    def current_filter(self) -> TaskFilter:
        kind, _, name = str(self.chooser.currentData() or "all").partition(":")
        return TaskFilter(
            segment=name if kind == "segment" else None,
            tier=name if kind == "tier" else None,
            owner=self.owner_combo.currentData(),
            due_within=self.due_combo.currentData(),
        )

    @Slot()
    def refresh(self) -> None:
        self.reload()
        if self.pages.currentIndex() == 1:
            self.history.reload()

    @Slot(int)
    def show_page(self, page: int) -> None:
        """0: the open list (with its filters), 1: the history."""
        self.show_group.button(page).setChecked(True)
        self.pages.setCurrentIndex(page)
        for w in (self.chooser, self.owner_combo, self.due_combo, self.summary):
            w.setEnabled(page == 0)
        if page == 1:
            self.history.reload()

    @Slot()
    def reload(self) -> None:
        self._request += 1
        request = self._request
        self.summary.setText("Loading tasks…")
        run(
            self,
            load_tasks,
            self.ctx,
            self.current_filter(),
            on_done=lambda data: self._show(request, data),
            on_error=self._load_failed,
            supersede="tasks-load",
        )

    def _show(self, request: int, data: TasksData) -> None:
        if request != self._request:
            return  # a newer question is on its way
        self._fill_choices(data)
        keep = self._keep_row
        self.tasks = data.tasks
        self.model.set_frame(data.tasks)
        n = len(data.tasks)
        if n:
            due = pd.to_datetime(data.tasks["due_date"])
            overdue = int((due < pd.Timestamp(self.ctx.today)).sum())
            self.summary.setText(f"{n:,} open task{'s' if n != 1 else ''} · {overdue:,} overdue")
            self.table.selectRow(min(keep, n - 1))
        else:
            self.summary.setText("No open tasks here")
        self._selected()
        self.loaded.emit()

    def _fill_choices(self, data: TasksData) -> None:
        current = self.chooser.currentData()
        owner = self.owner_combo.currentData()
        for combo in (self.chooser, self.owner_combo):
            combo.blockSignals(True)
        try:
            self.chooser.clear()
            self.chooser.addItem("All tasks", choice("all"))
            if data.segments:
                self.chooser.insertSeparator(self.chooser.count())
            for name in data.segments:
                self.chooser.addItem(f"Segment: {name}", choice("segment", name))
            self.chooser.insertSeparator(self.chooser.count())
            for name in data.tiers:
                self.chooser.addItem(f"Tier: {name}", choice("tier", name))
            self.chooser.setCurrentIndex(max(0, self.chooser.findData(current)))
            self.owner_combo.clear()
            self.owner_combo.addItem("All owners", None)
            for name in data.owners:
                self.owner_combo.addItem("Unassigned" if name == UNASSIGNED else name, name)
            self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(owner)))
        finally:
            for combo in (self.chooser, self.owner_combo):
                combo.blockSignals(False)

    def set_owner(self, owner: str | None, reload: bool = True) -> None:
        """The tasks of one owner's accounts (None: everyone's): the window's owner filter."""
        combo = self.owner_combo
        combo.blockSignals(True)
        index = 0 if owner is None else combo.findData(owner)
        if index < 0:  # not listed yet (before the first load): the load lists it
            combo.addItem("Unassigned" if owner == UNASSIGNED else str(owner), owner)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        if reload:
            self.reload()

    def _load_failed(self, exc: BaseException) -> None:
        self.summary.setText("Could not load the tasks")
        show_error(self, _message(exc))

    def choose(self, kind: str, name: str | None = None) -> None:
        """Select "all", ("segment", name) or ("tier", name) in the chooser (reloads)."""
        index = self.chooser.findData(choice(kind, name))
        if index >= 0:
            self.chooser.setCurrentIndex(index)

    # -- selection --
    def selected_task(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).row()
        return self.model.task(row) if 0 <= row < self.model.rowCount() else None

    def _selected(self, *_: Any) -> None:
        t = self.selected_task()
        self._update_actions()
        if t is None:
            self.detail.setText("<i>Select a task to see what to do and why.</i>")
            return
        e = html.escape
        due = due_words(as_date(t["due_date"]), self.ctx.today)
        reasons = "".join(f"<li>{e(r)}</li>" for r in t["reasons"])
        who = f"{e(str(t['account_name']))} ({e(str(t['account']))}) · {e(str(t['tier']))}"
        self.detail.setText(
            f"<b>{e(str(t['title']))}</b> — {who} · {due}<br>{e(str(t['description'] or ''))}"
            f"<ul style='margin: 2px 0 0 -20px;'>{reasons}</ul>"
        )

    def _update_actions(self) -> None:
        enabled = self.selected_task() is not None and not self._busy
        for action, button in zip(self.actions_, self.buttons, strict=True):
            action.setEnabled(enabled)
            button.setEnabled(enabled)

    def _context_menu(self, pos: QPoint) -> None:
        if self.selected_task() is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_action = self.opener.open_action(self.table.currentIndex(), menu)
        if open_action is not None:
            menu.addAction(open_action)
            menu.addSeparator()
        menu.addActions(list(self.actions_))
        self.menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _account_key(self, index: QModelIndex) -> str | None:
        row = self.proxy.mapToSource(index).row()
        if not 0 <= row < self.model.rowCount():
            return None
        return str(self.model.task(row)["account_key"])

    # -- actions --
    def _act(self, fn: Any, *args: Any) -> None:
        self._busy = True
        self._keep_row = max(0, self.table.currentIndex().row())
        self._update_actions()
        run(self, fn, self.ctx, *args, on_done=self._acted, on_error=self._act_failed)

    def _acted(self, result: Any = None) -> None:
        self._busy = False
        if isinstance(result, Change) and result.undo_of is None and self.pages.currentIndex() == 0:
            self.undo_bar.show_change(result)  # "Done: Complete '...'. Undo"
        self.reload()
        self.data_changed.emit()

    def _act_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_actions()
        show_error(self, _message(exc), "Task not changed")
        self.reload()

    @Slot()
    def complete_selected(self) -> None:
        t = self.selected_task()
        if t is not None and not self._busy:
            self._act(complete_task, int(t["id"]))

    @Slot()
    def snooze_selected(self) -> None:
        t = self.selected_task()
        if t is None or self._busy:
            return
        dialog = SnoozeDialog(self.ctx.today, str(t["title"]), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda day, i=int(t["id"]): self._act(snooze_task, i, day))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def dismiss_selected(self) -> None:
        t = self.selected_task()
        if t is None or self._busy:
            return
        dialog = DismissDialog(str(t["title"]), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda reason, i=int(t["id"]): self._act(dismiss_task, i, reason))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def log_touchpoint(self) -> None:
        t = self.selected_task()
        if t is None or self._busy:
            return
        dialog = TouchpointDialog(
            self.ctx, str(t["account_key"]), self, account_name=str(t["account_name"])
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.logged.connect(lambda _key: self._acted())
        self._keep_row = max(0, self.table.currentIndex().row())
        self.dialog = dialog
        dialog.open()
