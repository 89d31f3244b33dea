"""My book in the window: the toolbar's owner filter drives every view and the status bar.

The Portfolio view follows at once (its matrix, table, heading and totals come from the loaded
frame, see `portfolio_book`); Tasks, Segments and Trends ask the service again for the owner's
accounts, in workers, each showing that it is busy meanwhile: the shown one now, the hidden ones
when next shown (the window's stale set). The status bar always says what the table shows
("Dana Lee's book · search 'lumen' · 12 of 298 accounts · ARR $1.2M"), and the export dialog
starts from the same filter (`export_prefill`).

The main window only creates this object and tells it about its views; the behaviour is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from cspm.service.personal import ME, set_personal

from .busy import run
from .export_defaults import ExportPrefill
from .owner_filter import OwnerFilter
from .portfolio_book import BookStatus, left_out

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .portfolio_view import PortfolioData, PortfolioView


class MyBook(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.portfolio: PortfolioView | None = None
        self.filter = OwnerFilter(window)
        box = QWidget()
        box.setObjectName("owner-filter-box")
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(QLabel("Showing:"))
        row.addWidget(self.filter)
        bar = window.toolbar
        before = next((a for a in bar.actions() if bar.widgetForAction(a) is window.search), None)
        if before is None:
            bar.addWidget(box)
        else:
            bar.insertWidget(before, box)
        self.filter.owner_changed.connect(self._owner_changed)
        self.filter.me_chosen.connect(self._save_me)

    def owner(self) -> str | None:
        return self.filter.owner()

    # ---- views ------------------------------------------------------------------------------
    def attach_portfolio(self, view: PortfolioView) -> None:
        """A (new) portfolio view: it shows the current owner from its first load."""
        self.portfolio = view
        view.loaded.connect(self._loaded)
        view.book_changed.connect(self._show_status)
        view.set_owner(self.owner(), self.filter.me)

    def attach_view(self, view_id: str, view: QWidget) -> None:
        """A view just created: it follows the owner (its first load may be superseded)."""
        setter = getattr(view, "set_owner", None)
        if setter is not None and view is not self.portfolio and self.owner() is not None:
            setter(self.owner())
        you = getattr(view, "you", None)
        changed = getattr(you, "me_changed", None)
        if changed is not None:
            changed.connect(self.filter.set_me)

    def _loaded(self, data: PortfolioData) -> None:
        self.filter.set_owners(data.owners, data.me)

    def _owner_changed(self, owner: str | None) -> None:
        if self.portfolio is not None:
            self.portfolio.set_owner(owner, self.filter.me)
        current = self.window.current_view_id()
        for view_id, view in self.window.views.items():
            setter = getattr(view, "set_owner", None)
            if setter is None or view is self.portfolio:
                continue
            shown = view_id == current
            setter(owner, reload=shown)
            if not shown:
                self.window._stale.add(view_id)  # reloads when next shown

    def _save_me(self, name: str) -> None:
        run(self, set_personal, ME, name)

    # ---- status bar and export ------------------------------------------------------------------
    def _show_status(self, status: BookStatus | None) -> None:
        if status is None:
            return
        self.window.status_accounts.setText(status.text)
        self.window.status_arr.setText(status.arr_text() + left_out(status.totals.unconverted))

    def export_prefill(self) -> ExportPrefill:
        """The filter the user is looking at, for the export dialog."""
        view = self.portfolio
        if view is None:
            return ExportPrefill(owner=self.owner())
        tier, _stage = view.model.filter
        index = view.table.currentIndex()
        account = view.model.key_at(index.row()) if index.isValid() else None
        return ExportPrefill(
            owner=self.owner(), tier=tier, segment=view.book.segment, account=account
        )
