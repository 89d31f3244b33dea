"""The header step: the sheet is read here, once, and the cells kept for every later step.

Reading is the slow part of an import (seconds on a 100,000-row workbook), so the cells read for
this preview are the ones the mapping and validation steps plan from: see `SheetCells`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from cspm.service.context import AppContext
from cspm.service.imports import SheetCells, guess_header, read_cells, reading_limits

from ..busy import run
from .helpers import message_label, message_of, say
from .models import RawModel

if TYPE_CHECKING:
    from .wizard import ImportWizard

PREVIEW_ROWS = 25


def _read(ctx: AppContext, path: Path, sheet: str | None) -> tuple[SheetCells, int]:
    """In a worker: the sheet's cells (kept by the wizard) and the row cspm would take as header,
    read within the database's own unpacking limits (`reading.*` settings)."""
    cells = read_cells(path, sheet, reading_limits(ctx))
    return cells, guess_header(cells.raw)


class HeaderPage(QWizardPage):
    """The first rows as read, the guessed header row highlighted; a click picks another."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Which row holds the column names?")
        self.setSubTitle(
            "The highlighted row is taken as the header; rows above it are skipped. "
            "Click another row to use it instead."
        )
        self.model = RawModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.setWordWrap(False)
        self.choice = QLabel()
        self.reset_button = QPushButton("Use the detected row")
        self.reset_button.hide()
        self.message = message_label()
        row = QHBoxLayout()
        row.addWidget(self.choice, 1)
        row.addWidget(self.reset_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        self.guess: int | None = None
        self._loaded_for: tuple[Any, Any] | None = None
        self.table.clicked.connect(lambda index: self.choose(index.row()))
        self.reset_button.clicked.connect(lambda: self.choose(self.guess or 0))

    def initializePage(self) -> None:
        key = (self.w.path, self.w.sheet)
        if self._loaded_for == key and self.w.cells is not None:
            return
        self.w.cells = None
        self.model.set_sheet([], [], -1)
        self.choice.setText("")
        say(self.message, "Reading the sheet…")
        self.completeChanged.emit()
        run(
            self,
            _read,
            self.w.ctx,
            self.w.path,
            self.w.sheet,
            on_done=lambda res: self._loaded(key, *res),
            on_error=self._failed,
        )

    def _loaded(self, key: tuple[Any, Any], cells: SheetCells, guess: int) -> None:
        if key != (self.w.path, self.w.sheet):
            return
        self._loaded_for = key
        self.w.cells = cells
        self.guess = guess
        say(self.message, "")
        raw = cells.raw
        count = max(PREVIEW_ROWS, guess + 5)
        preview = raw.cells.iloc[:count].to_numpy(dtype=object).tolist()
        self.model.set_sheet(preview, [int(n) for n in raw.row_numbers[:count]], guess)
        self.table.resizeColumnsToContents()
        for j in range(self.model.columnCount()):
            self.table.setColumnWidth(j, min(self.table.columnWidth(j), 220))
        self.choose(guess if self.w.header_index is None else self.w.header_index)

    def _failed(self, exc: BaseException) -> None:
        say(self.message, message_of(exc), error=True)

    def choose(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        if row != self.w.header_index:
            self.w.header_index = row
            self.w.reset_from_header()
        self.model.set_header(row)
        self.table.selectRow(row)
        excel_row = self.model.row_numbers[row]
        how = "detected automatically" if row == self.guess else "your choice"
        self.choice.setText(f"<b>Row {excel_row}</b> is the header row ({how}).")
        self.reset_button.setVisible(row != self.guess)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.cells is not None and self.w.header_index is not None
