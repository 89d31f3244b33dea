"""Review tiers: the accounts whose ARR band, health or an old pin suggest another tier, with
accept or keep per account and a reason (`cspm.service.tier_review`).

The list is read in a worker; the decisions are one change (one undo). Rows without a decision
are left alone and come back at the next review.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.service.context import AppContext
from cspm.service.tier_review import Decision, decide, tier_review

from .busy import run, show_error
from .window_chrome import window_action

CHOICES = (("", "Decide later"), ("accept", "Accept"), ("keep", "Keep"))
HEADERS = ("Account", "Tier", "Suggested", "Why", "Decision", "Reason")


class TierReviewDialog(QDialog):
    """`applied(count)` after decisions were saved."""

    applied = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows = pd.DataFrame()
        self.setWindowTitle("Review tiers")
        self.resize(1000, 480)
        self.intro = QLabel("Reading the portfolio…")
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("Save decisions")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        run(self, tier_review, ctx, on_done=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}")

    def _show(self, rows: pd.DataFrame) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows.itertuples(index=False)):
            self._cell(i, 0, r.name or r.key, tip=str(r.key))
            self._cell(i, 1, r.tier)
            unpin = r.kind == "pin not needed"
            self._cell(i, 2, f"{r.suggested} (unpin)" if unpin else r.suggested)
            self._cell(i, 3, r.why, tip=r.why)
            choice = QComboBox()
            for value, label in CHOICES:
                choice.addItem(label, value)
            choice.currentIndexChanged.connect(self._update_button)
            self.table.setCellWidget(i, 4, choice)
            reason = QLineEdit()
            reason.setPlaceholderText("why (needed with a decision)")
            reason.textChanged.connect(self._update_button)
            self.table.setCellWidget(i, 5, reason)
        self.table.setWordWrap(True)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, 380)
        self.table.setColumnWidth(5, 220)
        self.table.resizeRowsToContents()
        n = len(rows)
        self.intro.setText(
            "Nothing to review: every tier matches its ARR band, no pin is older than a "
            "quarter, and no red account sits just under the next tier."
            if n == 0
            else f"{n} account{'s' if n != 1 else ''} to review. Accept pins the suggested "
            "tier (or removes a pin that does nothing now); Keep pins the current tier again "
            "with your reason. Both go into the account's tier history."
        )
        self.loaded.emit()

    def decisions(self) -> list[Decision]:
        out = []
        for i in range(self.table.rowCount()):
            choice = self._widget(i, 4, QComboBox).currentData()
            if choice:
                reason = self._widget(i, 5, QLineEdit).text()
                out.append(Decision(str(self.rows.iloc[i]["key"]), choice, reason))
        return out

    def _update_button(self) -> None:
        chosen = self.decisions()
        self.apply_button.setEnabled(bool(chosen) and all(d.reason.strip() for d in chosen))

    def save(self) -> None:
        chosen = self.decisions()
        self.apply_button.setEnabled(False)
        run(self, decide, self.ctx, chosen, on_done=self._saved, on_error=self._failed)

    def _saved(self, count: int) -> None:
        self.applied.emit(count)
        self.accept()

    def _cell(self, row: int, col: int, text: Any, tip: str | None = None) -> None:
        item = QTableWidgetItem("" if text is None else str(text))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if tip:
            item.setToolTip(tip)
        self.table.setItem(row, col, item)

    def _widget(self, row: int, col: int, kind: type[Any]) -> Any:
        widget = self.table.cellWidget(row, col)
        assert isinstance(widget, kind)
        return widget


def review_action(window: Any) -> QAction:
    """Edit > "Review tiers...": opens the dialog on the window's current database; saved
    decisions refresh every view (`window._data_changed`)."""

    def open_review() -> None:
        dialog = TierReviewDialog(window.ctx, window)
        dialog.applied.connect(lambda _n: window._data_changed(None))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        window.tier_review_dialog = dialog

    tip = "Accounts whose ARR band, health or an old pin suggest another tier"
    return window_action(window, "Review tiers...", open_review, tip=tip)
