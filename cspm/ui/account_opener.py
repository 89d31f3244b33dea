"""Open an account from any list that shows accounts: double-click, Enter and "Open account".

Every view that lists accounts (tasks, segment members, what changed, the import summary)
gives its item view an `AccountOpener` with a function from a row to its account key; the
opener turns the three gestures into one call, usually the view's `account_requested` signal,
which the window's navigator (`navigation`) connects to the account detail. Rows without an
account (a section heading, "No changes") are simply not openable.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu

KeyOf = Callable[[QModelIndex], str | None]
OPEN_TEXT = "Open account"
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


class AccountOpener(QObject):
    """Double-click, Enter/Return and (with `menu`) a context menu with "Open account" on one
    item view. Views that build their own context menu pass `menu=False` and add
    `open_action(index, parent)` to it; a view that already opens on double-click and Enter
    passes `clicks=False` for the menu alone."""

    def __init__(
        self,
        view: QAbstractItemView,
        key_of: KeyOf,
        open_account: Callable[[str], object],
        *,
        menu: bool = True,
        clicks: bool = True,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.key_of = key_of
        self.open_account = open_account
        self.menu: QMenu | None = None
        if clicks:
            view.doubleClicked.connect(self.open_index)
            view.installEventFilter(self)
        if menu:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(self._context_menu)

    def open_index(self, index: QModelIndex) -> bool:
        """Open the account of this row, if it has one; whether it did."""
        key = self.key_of(index) if index.isValid() else None
        if not key:
            return False
        self.open_account(key)
        return True

    def open_current(self) -> bool:
        return self.open_index(self.view.currentIndex())

    def open_action(self, index: QModelIndex, parent: QObject) -> QAction | None:
        """An "Open account" action for this row (None when the row has no account)."""
        if not index.isValid() or not self.key_of(index):
            return None
        action = QAction(OPEN_TEXT, parent)
        action.triggered.connect(lambda _checked=False, i=index: self.open_index(i))
        return action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() in _PLAIN and self.open_current():
                return True
        return super().eventFilter(watched, event)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.view.setCurrentIndex(index)
        menu = QMenu(self.view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = self.open_action(index, menu)
        if action is None:
            menu.deleteLater()
            return
        menu.addAction(action)
        self.menu = menu  # kept reachable (tests, and no early collection)
        menu.popup(self.view.viewport().mapToGlobal(pos))
