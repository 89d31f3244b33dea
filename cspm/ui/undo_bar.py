"""A transient "Done. Undo" bar: says what an action did and offers to take exactly it back.

Reusable by any view: `show_change(change)` after a service call returned a Change; the bar
hides itself after `TIMEOUT_MS` or when closed. Clicking Undo runs `undo(ctx, change.id)` in a
worker (only that change: a later one in between is refused with a sentence) and emits
`undone` with the undo's Change, so the view reloads as after any change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from cspm.service.changes import Change
from cspm.service.context import AppContext
from cspm.service.undo import undo

from .busy import report_error, run

TIMEOUT_MS = 12_000


class UndoBar(QFrame):
    undone = Signal(object)  # the Change the undo made

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.change: Change | None = None
        self.setObjectName("undo-bar")
        self.setStyleSheet(
            "QFrame#undo-bar { background: palette(tool-tip-base); border: 1px solid palette(mid);"
            " border-radius: 4px; } QFrame#undo-bar QLabel { color: palette(tool-tip-text); }"
        )
        self.message = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Take this back")
        self.undo_button.clicked.connect(self.undo)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def show_change(self, change: Change) -> None:
        """Say what was done; offer Undo when the change can be taken back."""
        self.change = change
        action = change.action
        self.message.setText(f"Done: {action}" + ("" if action.endswith(".") else "."))
        self.undo_button.setVisible(change.undoable and change.id is not None)
        self.undo_button.setEnabled(True)
        self.show()
        self.timer.start(TIMEOUT_MS)

    def undo(self) -> None:
        change = self.change
        if change is None or change.id is None:
            return
        self.undo_button.setEnabled(False)
        self.timer.stop()
        run(self, undo, self.ctx, change.id, on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:
        self.change = None
        self.hide()
        self.undone.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.hide()
        report_error(self.window(), exc)
