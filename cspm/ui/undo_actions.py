"""Edit > Undo / Redo (Ctrl+Z / Ctrl+Shift+Z) for the window, from the stored change records.

The actions name what they take back ("Undo Complete 'Renewal plan' for Lumen Capital"); their
text and enabled state are read again (in a worker) after every change the window hears of.
Undo and redo run in a worker too (`busy.run`); when one is done `changed` carries the Change,
and the window refreshes the views as after any change. A text box with focus keeps Ctrl+Z
for its own text (Qt gives the focused editor the shortcut first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from cspm.service.changes import Change
from cspm.service.context import AppContext
from cspm.service.undo import UndoState, redo, undo, undo_state

from .busy import report_error, run


def shows(view: object, change: Change | None) -> bool:
    """Does `view` show something `change` touched? A view declares `SHOWS` (a set of the
    change vocabulary, `cspm.service.changes.TOUCHES`); one that does not, or an unknown
    change, means yes."""
    shown = getattr(view, "SHOWS", None)
    return change is None or shown is None or bool(frozenset(shown) & change.touches)


NOTHING_TO_UNDO = "Undo"
NOTHING_TO_REDO = "Redo"


class UndoActions(QObject):
    """The window's Undo and Redo actions and the state behind them."""

    changed = Signal(object)  # the Change an undo or redo made
    state_read = Signal()  # the labels were read again (tests wait for it)

    def __init__(self, window: QWidget, context: Callable[[], AppContext]) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._running = False
        self._request = 0
        self.state = UndoState(None, None, False, False)
        self.undo_action = self._action("Undo", "Ctrl+Z", self.undo)
        self.redo_action = self._action("Redo", "Ctrl+Shift+Z", self.redo)
        self._show(self.state)

    def _action(self, text: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        return action

    def refresh(self) -> None:
        """Read the labels again (after a change, or on another database)."""
        self._request += 1
        request = self._request
        run(
            self,
            undo_state,
            self._context(),
            on_done=lambda state: self._read(request, state),
            on_error=lambda _exc: None,  # the labels stay as they were; the next change retries
        )

    def _read(self, request: int, state: Any) -> None:
        if request != self._request:
            return  # a newer read is on its way (another change, another database)
        self.state = state
        self._show(state)
        self.state_read.emit()

    def _show(self, state: UndoState) -> None:
        self.undo_action.setText(state.undo_label or NOTHING_TO_UNDO)
        self.undo_action.setEnabled(state.can_undo and not self._running)
        self.redo_action.setText(state.redo_label or NOTHING_TO_REDO)
        self.redo_action.setEnabled(state.can_redo and not self._running)
        for action in (self.undo_action, self.redo_action):
            action.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
            action.setStatusTip(action.text())

    def undo(self) -> None:
        if self.state.can_undo:
            self._start(undo)

    def redo(self) -> None:
        if self.state.can_redo:
            self._start(redo)

    def _start(self, fn: Callable[[AppContext], Change]) -> None:
        if self._running:
            return
        self._running = True
        self._show(self.state)
        run(self, fn, self._context(), on_done=self._done, on_error=self._failed)

    def _done(self, change: Any) -> None:
        self._running = False
        self.changed.emit(change)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        report_error(self._window, exc)
        self.refresh()
