"""The Portfolio view: tier x stage matrix above the account table, or the first-run empty state.

Loading (service calls and preparing the table's arrays) runs in a worker; sorting and filtering
run on the GUI thread on whole arrays (see account_table). Clicking the matrix filters the table;
double-click or Enter on an account opens its detail dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.service.book import BookIndex, OwnerCount, book_index, me_in, owners_of
from cspm.service.cache import READ_BY_ANALYSIS
from cspm.service.context import AppContext
from cspm.service.portfolio import load_portfolio
from cspm.service.summary import PortfolioSummary, portfolio_summary

from .account_table import COLUMNS, AccountTableModel, TableData, prepare_table
from .busy import run
from .empty_state import EmptyState
from .matrix_widget import MatrixWidget
from .portfolio_book import BookStatus, PortfolioBook
from .portfolio_columns import DEFAULT_WIDTHS, PortfolioColumns

if TYPE_CHECKING:
    from .account_detail import AccountDetailDialog  # imported when first opened


@dataclass(frozen=True)
class PortfolioData:
    summary: PortfolioSummary
    table: TableData
    book: BookIndex | None = None  # per-row codes for the owner filter (same row order)
    owners: tuple[OwnerCount, ...] = ()
    me: str | None = None  # "I am", as spelled in the data (None: not chosen / not here)


def load_portfolio_data(ctx: AppContext, hidden: Sequence[str] = ()) -> PortfolioData:
    """Everything the view shows, computed off the GUI thread. The table orders itself
    (by name unless the user chose another column), so the service's frame is used as is."""
    frame = load_portfolio(ctx).frame
    summary = portfolio_summary(ctx)
    tiers = [str(t) for t in summary.matrix.index]
    table = prepare_table(frame, tiers, hidden, summary.money)
    book = book_index(ctx, search=table.search)
    return PortfolioData(summary, table, book, tuple(owners_of(book)), me_in(ctx))


class AccountTableView(QTableView):
    """The account table; Enter/Return opens the current account like a double-click."""

    open_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex) -> None:
        model = self.model()
        if isinstance(model, AccountTableModel) and index.isValid():
            self.open_requested.emit(model.key_at(index.row()))


class PortfolioView(PortfolioColumns, QWidget):
    SHOWS = READ_BY_ANALYSIS  # tasks alone change nothing here (see cspm.ui.undo_actions)
    data_changed = Signal()
    loaded = Signal(object)  # PortfolioData
    book_changed = Signal(object)  # BookStatus: what the table shows now (status bar)
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: PortfolioData | None = None
        self._generation = 0
        self.detail_dialog: AccountDetailDialog | None = None
        self.book = PortfolioBook()
        self.search_text = ""

        self.stack = QStackedWidget()
        self.loading = QLabel("Loading portfolio…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = EmptyState()
        self.empty.import_requested.connect(self.import_requested)
        self.empty.demo_requested.connect(self.demo_requested)
        self.content = self._build_content()
        for page in (self.loading, self.empty, self.content):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._restore_columns()
        self.refresh()

    # ---- layout ----------------------------------------------------------------------------
    def _build_content(self) -> QWidget:
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.matrix = MatrixWidget()
        self.matrix.filter_requested.connect(self.set_filter)
        self.filter_label = QLabel()
        self.clear_filter_button = QPushButton("Clear filter")
        self.clear_filter_button.setToolTip("Show every account again")
        self.clear_filter_button.clicked.connect(self.clear_filter)
        self.clear_filter_button.setEnabled(False)

        self.model = AccountTableModel(self)
        self.model.visible_changed.connect(self._update_filter_label)
        self.table = AccountTableView()
        self.table.setObjectName("accounts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sortIndicatorChanged.connect(self._save_sort)
        for i, col in enumerate(COLUMNS):
            chars = DEFAULT_WIDTHS.get(col.id, 12)
            header.resizeSection(i, chars * self.fontMetrics().averageCharWidth() + 12)
        self.table.doubleClicked.connect(self.table._open)
        self.table.open_requested.connect(self.open_account)

        self.segment_combo = QComboBox()
        self.segment_combo.setObjectName("segment-filter")
        self.segment_combo.setToolTip("Show one segment's accounts (matrix, table and totals)")
        self.segment_combo.addItem("All segments", None)
        self.segment_combo.currentIndexChanged.connect(
            lambda _i: self.set_segment(self.segment_combo.currentData())
        )
        bar = QHBoxLayout()
        bar.addWidget(self.segment_combo)
        bar.addWidget(self.filter_label, 1)
        bar.addWidget(self.clear_filter_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(bar)
        lower_layout.addWidget(self.table, 1)
        hint = QLabel("Double-click an account (or press Enter) for its details.")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        lower_layout.addWidget(hint)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.heading)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.matrix)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        return content

    # ---- loading ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Reload the portfolio in a worker; an older load still running is ignored."""
        self._generation += 1
        generation = self._generation
        if self.data is None:
            self.stack.setCurrentWidget(self.loading)
        run(
            self,
            load_portfolio_data,
            self.ctx,
            self.hidden_columns(),
            on_done=lambda data: self._loaded(generation, data),
            on_error=lambda exc: self._failed(generation, exc),
            supersede="portfolio-load",
        )

    def _loaded(self, generation: int, data: PortfolioData) -> None:
        if generation != self._generation:
            return
        self.data = data
        summary = data.summary
        self.book.index, self.book.money, self.book.me = data.book, summary.money, data.me
        if summary.accounts == 0:
            self.model.set_table(data.table)  # no rows: the totals count none
            self.empty.set_busy(None)
            self.stack.setCurrentWidget(self.empty)
        else:
            self._fill_segments(data.book.segments if data.book else ())
            self.model.set_table(data.table, self.book.scope())
            self._show_book(matrix=True)
            if data.book is None:  # data made without the book codes: the whole portfolio
                self.heading.setText(f"{summary.accounts:,} accounts · {summary.arr_text()}")
                self.matrix.set_matrix(summary.matrix, summary.money)
            self.stack.setCurrentWidget(self.content)
        self.loaded.emit(data)
        self.book_changed.emit(self.book_status())

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if self.data is None:
            self.loading.setText("The portfolio could not be loaded.")
        from .busy import report_error

        report_error(self, exc)

    # ---- filtering -------------------------------------------------------------------------
    @Slot(object, object)
    def set_filter(self, tier: str | None, stage: str | None) -> None:
        self.model.set_filter(tier, stage)
        self.matrix.show_filter(tier, stage)
        self._update_filter_label()
        self._show_book(matrix=False)

    @Slot()
    def clear_filter(self) -> None:
        self.set_filter(None, None)

    @Slot(str)
    def set_search(self, text: str) -> None:
        self.search_text = text  # as typed, for the heading and the status bar
        self.model.set_search(text)
        self._show_book(matrix=True)

    # ---- my book: owner and segment ----------------------------------------------------------
    def set_owner(self, owner: str | None, me: str | None = None) -> None:
        """Show one owner's accounts (a name, book.UNASSIGNED) or everyone's (None)."""
        self.book.owner = owner
        if me is not None:
            self.book.me = me
        self.model.set_scope(self.book.scope())
        self._show_book(matrix=True)

    def set_segment(self, segment: str | None) -> None:
        if segment == self.book.segment:
            return
        self.book.segment = segment
        self.segment_combo.blockSignals(True)
        self.segment_combo.setCurrentIndex(max(0, self.segment_combo.findData(segment)))
        self.segment_combo.blockSignals(False)
        self.model.set_scope(self.book.scope())
        self._show_book(matrix=True)

    def _fill_segments(self, names: Sequence[str]) -> None:
        combo = self.segment_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All segments", None)
        for name in names:
            combo.addItem(name, name)
        if self.book.segment not in names:
            self.book.segment = None
        combo.setCurrentIndex(max(0, combo.findData(self.book.segment)))
        combo.blockSignals(False)

    def book_status(self) -> BookStatus | None:
        """What the table shows now (None before the first load)."""
        if self.book.index is None or self.data is None:
            return None
        tier, stage = self.model.filter
        return self.book.status(self.model.visible_rows(), self.search_text, tier, stage)

    def _show_book(self, *, matrix: bool) -> None:
        """Matrix (when the book or search changed), heading and status follow the filter."""
        if self.book.index is None or self.data is None:
            return
        search = self.search_text
        if matrix:
            self.matrix.set_matrix(self.book.matrix(search), self.book.money)
            self.heading.setText(self.book.heading(search))
        if self.data is not None and self.stack.currentWidget() is self.content:
            self.book_changed.emit(self.book_status())

    def _update_filter_label(self, *_: object) -> None:
        tier, stage = self.model.filter
        parts = [p for p in (tier, stage) if p]
        shown, total = self.model.rowCount(), self.model.total_rows
        scope = self.book.scope()
        if scope is not None and len(scope) == total:  # of the owner's book / the segment
            total = int(scope.sum())
        if self.model.search_text:
            parts.append(f'matching "{self.model.search_text}"')
        what = " · ".join(parts)
        if what:
            self.filter_label.setText(f"Showing {shown:,} of {total:,} accounts: {what}")
        else:
            self.filter_label.setText(f"All {total:,} accounts")
        self.clear_filter_button.setEnabled(tier is not None or stage is not None)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: re-tint health cells
            self.model.update_palette()

    # ---- detail ----------------------------------------------------------------------------
    @Slot(str)
    def open_account(self, key: str) -> None:
        from .account_detail import AccountDetailDialog

        dialog = self.detail_dialog
        if dialog is None or dialog.ctx is not self.ctx:
            dialog = AccountDetailDialog(self.ctx, key, self)
            dialog.data_changed.connect(self._detail_changed)
            self.detail_dialog = dialog
        else:
            dialog.show_account(key)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _detail_changed(self) -> None:
        self.refresh()
        self.data_changed.emit()
