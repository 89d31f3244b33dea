"""The wizard's first steps: which file (checked as soon as it is typed or dropped), which sheet.

The file is opened in a worker while the user types (after a short pause), so a wrong path or an
unreadable workbook is explained on the page before Next is offered.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from cspm.service.imports import sheet_names

from ..busy import run
from .helpers import message_label, message_of, say

if TYPE_CHECKING:
    from .wizard import ImportWizard

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.xlsb *.ods *.csv *.tsv *.txt);;All files (*)"


class FilePage(QWizardPage):
    """Path of the spreadsheet: typed, browsed or dropped; complete once its sheets are known."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a file")
        self.setSubTitle(
            "An Excel workbook or a CSV file exported from your CRM. "
            "You can also drop the file on this window."
        )
        self.setAcceptDrops(True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path of the spreadsheet to import")
        self.browse_button = QPushButton("Browse…")
        self.message = message_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addStretch(1)
        self._checked: str | None = None  # the path text the sheets below belong to
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._inspect)
        self.path_edit.textChanged.connect(self._edited)
        self.browse_button.clicked.connect(self.browse)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a spreadsheet", "", FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.path_edit.setText(urls[0].toLocalFile())
            event.acceptProposedAction()

    def _edited(self) -> None:
        self._checked = None
        say(self.message, "")
        self.completeChanged.emit()
        if self.path_edit.text().strip():
            self._timer.start()

    def _inspect(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            return
        say(self.message, "Opening the file…")
        run(
            self,
            sheet_names,
            text,
            on_done=lambda sheets: self._inspected(text, sheets),
            on_error=lambda exc: self._failed(text, exc),
        )

    def _inspected(self, text: str, sheets: list[str]) -> None:
        if text != self.path_edit.text().strip():
            return
        self._checked = text
        self.w.sheets = sheets
        if not sheets:
            say(self.message, f"{Path(text).name}: a text (CSV) file.")
        elif len(sheets) == 1:
            say(self.message, f"{Path(text).name}: a workbook with one sheet, '{sheets[0]}'.")
        else:
            say(self.message, f"{Path(text).name}: a workbook with {len(sheets)} sheets.")
        self.completeChanged.emit()

    def _failed(self, text: str, exc: BaseException) -> None:
        if text == self.path_edit.text().strip():
            say(self.message, message_of(exc), error=True)

    def isComplete(self) -> bool:
        return self._checked is not None and self._checked == self.path_edit.text().strip()

    def validatePage(self) -> bool:
        path = Path(self.path_edit.text().strip())
        if self.w.path != path:
            self.w.path = path
            self.w.sheet = self.w.sheets[0] if self.w.sheets else None
            self.w.reset_from_sheet()
        return True

    def nextId(self) -> int:
        return self.w.SHEET if len(self.w.sheets) > 1 else self.w.HEADER


class SheetPage(QWizardPage):
    """Only shown for a workbook with several sheets: the user says which holds the accounts."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a sheet")
        self.setSubTitle("This workbook has several sheets; which one do you want to import?")
        self.sheets = QListWidget()
        QVBoxLayout(self).addWidget(self.sheets)
        self.sheets.currentRowChanged.connect(lambda _r: self.completeChanged.emit())

    def initializePage(self) -> None:
        self.sheets.clear()
        self.sheets.addItems(self.w.sheets)
        current = self.w.sheets.index(self.w.sheet) if self.w.sheet in self.w.sheets else 0
        self.sheets.setCurrentRow(current)

    def isComplete(self) -> bool:
        return self.sheets.currentRow() >= 0

    def validatePage(self) -> bool:
        sheet = self.w.sheets[self.sheets.currentRow()]
        if sheet != self.w.sheet:
            self.w.sheet = sheet
            self.w.reset_from_sheet()
        return True
