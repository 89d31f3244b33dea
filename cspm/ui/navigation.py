"""The window's one place that opens accounts, and its Back/Forward.

Views only say which account the user asked for (their `account_requested(key)` signal, from
an `AccountOpener`); `Navigator.attach` connects each view as the window creates it, and
`open_account` shows the account detail the way the Portfolio view does (one non-modal dialog,
owned by that view, reloaded for the next account). Every view shown and every account opened
is a `history.Place`; Back and Forward (Alt+Left / Alt+Right, the mouse's back and forward
buttons, the toolbar and the Go menu) move through them, from the window or from the detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget

from .account_opener import AccountOpener
from .history import History, Place
from .portfolio_view import PortfolioView
from .window_chrome import window_action

if TYPE_CHECKING:
    from .main_window import MainWindow

_MOUSE = {Qt.MouseButton.BackButton: "back", Qt.MouseButton.ForwardButton: "forward"}


class Navigator(QObject):
    """Opens accounts for every view of `window` and keeps the Back/Forward history."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history = History()
        self._ctx = window.ctx
        self._moving = False  # Back/Forward is showing a place: not a new visit
        self.back_action = self._action("Back", self.back, "Alt+Left", Qt.Key.Key_Back)
        self.forward_action = self._action("Forward", self.forward, "Alt+Right", Qt.Key.Key_Forward)
        self.menu = self._go_menu()
        toolbar = window.toolbar
        first = toolbar.actions()[0]  # Import: Back and Forward go before it
        toolbar.insertActions(first, [self.back_action, self.forward_action])
        toolbar.insertSeparator(first)
        window.nav.currentRowChanged.connect(self._view_shown)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # the mouse's back/forward buttons, over any child
        self._update_actions()

    def _action(self, text: str, slot: object, keys: str, media: Qt.Key) -> QAction:
        action = window_action(self.window, text, slot, keys, f"{text} ({keys})")  # type: ignore[arg-type]
        action.setShortcuts([QKeySequence(keys), QKeySequence(media)])
        return action

    def _go_menu(self) -> QMenu:
        """ "Go" between View and Help: Back, Forward."""
        bar = self.window.menuBar()
        menu = QMenu("&Go", bar)
        actions = bar.actions()
        help_action = next((a for a in actions if a.text().replace("&", "") == "Help"), None)
        bar.insertMenu(help_action, menu) if help_action else bar.addMenu(menu)
        menu.addAction(self.back_action)
        menu.addAction(self.forward_action)
        return menu

    # ---- connecting views ---------------------------------------------------------------------
    def attach(self, view: QWidget) -> None:
        """Connect a view that lists accounts (its `account_requested` signal) to `open_account`;
        the Portfolio view opens its own accounts, and the navigator records them."""
        if isinstance(view, PortfolioView):
            view.table.open_requested.connect(self._portfolio_opened)
            # It opens on double-click and Enter itself; "Open account" in its menu too.
            view.table.opener = AccountOpener(  # type: ignore[attr-defined]
                view.table,
                lambda index: view.model.key_at(index.row()),
                view.table.open_requested.emit,
                clicks=False,
            )
            return
        requested = getattr(view, "account_requested", None)
        if requested is not None:
            requested.connect(self.open_account)

    def attach_import_summary(self, wizard: QDialog) -> None:
        """The import wizard's summary lists the accounts that moved tier or stage: opening one
        finishes the wizard (the import is written) and shows the account."""
        page = getattr(wizard, "summary_page", None)
        if page is None:
            return

        def key_of(index: object) -> str | None:
            result = getattr(wizard, "import_result", None)
            row = index.row()  # type: ignore[attr-defined]
            moves = list(getattr(result, "moves", []) or [])
            return str(moves[row].key) if 0 <= row < len(moves) else None

        def open_from_wizard(key: str) -> None:
            wizard.accept()
            self.open_account(key)

        page.opener = AccountOpener(page.moves_view, key_of, open_from_wizard)

    # ---- opening accounts ---------------------------------------------------------------------
    def open_account(self, key: str) -> None:
        """Show this account's detail (the one detail dialog, raised) and remember the visit."""
        if not key:
            return
        self._show_account(key)
        self._visit(Place("account", key))

    def _show_account(self, key: str) -> None:
        portfolio = self.window.portfolio
        portfolio.open_account(key)
        self._attach_dialog()

    def _portfolio_opened(self, key: str) -> None:
        self._attach_dialog()
        self._visit(Place("account", key))

    def _attach_dialog(self) -> None:
        """Back/Forward work from the detail dialog too (its own window)."""
        dialog = self.detail_dialog
        if dialog is not None and self.back_action not in dialog.actions():
            dialog.addActions([self.back_action, self.forward_action])

    @property
    def detail_dialog(self) -> QDialog | None:
        return getattr(self.window.portfolio, "detail_dialog", None)

    # ---- history ------------------------------------------------------------------------------
    def _view_shown(self, _row: int) -> None:
        self._visit(Place("view", self.window.current_view_id()))

    def _visit(self, place: Place) -> None:
        if self.window.ctx is not self._ctx:  # another database: its places start afresh
            self._ctx = self.window.ctx
            self.history.clear()
        if not self._moving:
            self.history.visit(place)
        self._update_actions()

    def back(self) -> None:
        self._go(self.history.back())

    def forward(self) -> None:
        self._go(self.history.forward())

    def _go(self, place: Place | None) -> None:
        if place is None:
            return
        self._moving = True
        try:
            if place.kind == "account":
                self._show_account(place.id)
            else:
                dialog = self.detail_dialog
                if dialog is not None and dialog.isVisible():
                    dialog.close()
                self.window.show_view(place.id)
                self.window.activateWindow()
        finally:
            self._moving = False
        self._update_actions()

    def _update_actions(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back())
        self.forward_action.setEnabled(self.history.can_go_forward())

    # ---- mouse buttons ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget):
            assert isinstance(event, QMouseEvent)
            step = _MOUSE.get(event.button())
            if step is not None and watched.window() in (self.window, self.detail_dialog):
                self.back() if step == "back" else self.forward()
                return True
        return super().eventFilter(watched, event)
