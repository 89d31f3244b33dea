"""The main window. For now: portfolio counts by tier and stage, loaded off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.service.context import AppContext
from cspm.service.summary import PortfolioSummary, portfolio_summary

from .worker import Worker, start


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("cspm — Customer Success portfolio")
        self.resize(1100, 700)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.heading = QLabel("Loading portfolio…")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        layout.addWidget(self.heading)
        self.matrix = QTableWidget()  # a handful of cells (tiers x stages), not account rows
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.matrix)
        self.setCentralWidget(central)
        self.summary: PortfolioSummary | None = None
        self._worker: Worker | None = None
        self.refresh()

    def refresh(self) -> None:
        self._worker = start(Worker(portfolio_summary, self.ctx))
        self._worker.signals.finished.connect(self._show)
        self._worker.signals.failed.connect(self._failed)

    def _show(self, summary: PortfolioSummary) -> None:
        self.summary = summary
        if summary.accounts == 0:
            self.heading.setText(
                "No accounts yet. Import a spreadsheet with `cspm import FILE`, "
                "or run `cspm demo --open` to explore a demo portfolio."
            )
        else:
            self.heading.setText(f"{summary.accounts:,} accounts · ARR ${summary.total_arr:,.0f}")
        m = summary.matrix
        self.matrix.setRowCount(len(m.index))
        self.matrix.setColumnCount(len(m.columns))
        self.matrix.setVerticalHeaderLabels([str(i) for i in m.index])
        self.matrix.setHorizontalHeaderLabels([str(c) for c in m.columns])
        for r, tier in enumerate(m.index):
            for c, stage in enumerate(m.columns):
                count, arr = m.loc[tier, stage]
                item = QTableWidgetItem(f"{count}\n${arr:,.0f}" if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.matrix.setItem(r, c, item)
        self.matrix.resizeColumnsToContents()
        self.matrix.resizeRowsToContents()
        last = summary.last_import.isoformat() if summary.last_import else "never"
        self.statusBar().showMessage(
            f"{summary.accounts:,} accounts   ARR ${summary.total_arr:,.0f}   last import: {last}"
        )

    def _failed(self, exc: Any) -> None:
        QMessageBox.warning(self, "cspm", str(exc))
