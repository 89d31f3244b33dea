"""Window shortcuts work whatever has focus.

Before Qt runs a shortcut it asks the focused widget (a ShortcutOverride event) whether it wants
the key itself. Text boxes claim more than text editing: on Linux desktops (the KDE/GNOME key
scheme) a line edit claims Ctrl+E (end of line), Ctrl+F (next character), Ctrl+B, Ctrl+N...,
so Export (Ctrl+E) did nothing while the search box had focus. This guard answers first, for
the focused widget in the window: a key that is the shortcut of an enabled window action goes to
the action, except the keys that edit text (copy, paste, undo and redo while the box has
something to undo, select all, delete, word moves) while a text box has focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

Std = QKeySequence.StandardKey
# Word moves included: on macOS they are Alt+Left/Right, which are Back/Forward elsewhere.
TEXT_KEYS = (Std.Copy, Std.Cut, Std.Paste, Std.SelectAll, Std.Delete, Std.DeleteStartOfWord,
             Std.DeleteEndOfWord, Std.Backspace, Std.MoveToPreviousWord, Std.MoveToNextWord,
             Std.SelectPreviousWord, Std.SelectNextWord)  # fmt: skip
UNDO_KEYS = (Std.Undo, Std.Redo)


def _text_box(widget: QWidget) -> QWidget | None:
    """The text-editing widget behind the focus (an editable combo's line edit too)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox):
        return widget
    if isinstance(widget, QComboBox) and widget.isEditable():
        return widget.lineEdit()
    return None


def _keeps_undo(box: QWidget, event: QKeyEvent) -> bool:
    """Undo/Redo stay with a text box while it has its own typing to undo or redo."""
    redo = event.matches(Std.Redo)
    if isinstance(box, QLineEdit):
        return box.isRedoAvailable() if redo else box.isUndoAvailable()
    if isinstance(box, QTextEdit | QPlainTextEdit):
        doc = box.document()
        return doc.isRedoAvailable() if redo else doc.isUndoAvailable()
    return True


def text_keeps(widget: QWidget, event: QKeyEvent) -> bool:
    """Whether the focused widget should keep this key (it edits text) over a window action."""
    box = _text_box(widget)
    if box is None:
        return False
    if any(event.matches(k) for k in TEXT_KEYS):
        return True
    if any(event.matches(k) for k in UNDO_KEYS):
        return _keeps_undo(box, event)
    return False


class ShortcutGuard(QObject):
    """Installed on the application for one window: lets that window's actions win."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def action_for(self, event: QKeyEvent) -> QAction | None:
        """The window's enabled action (menus' and toolbars' included) with this shortcut."""
        pressed = QKeySequence(event.keyCombination())
        for action in self.window.findChildren(QAction):
            if not action.isEnabled():
                continue
            for shortcut in action.shortcuts():
                if shortcut.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                    return action
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window:
            return False
        assert isinstance(event, QKeyEvent)
        if text_keeps(watched, event) or self.action_for(event) is None:
            return False
        event.ignore()  # not claimed: Qt runs the window's shortcut
        return True
