"""The import wizard: file -> sheet -> header row -> mapping -> validation -> import -> summary.

Each step shows what the service's pure steps produced before anything is written; reading,
preparing and importing run in workers, so the window stays responsive, and errors appear as a
sentence on the page. The import itself is one transaction: Cancel leaves the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cspm.core.errors import CspmError
from cspm.service.context import AppContext
from cspm.service.imports import (
    ImportOptions,
    ImportResult,
    PreparedImport,
    apply_prepared,
    guess_header,
    mapping_targets,
    prepare_import,
    read_sheet,
    sheet_names,
)
from cspm.service.progress import CancelledError

from .busy import run
from .worker import Worker

PREVIEW_ROWS = 25
_Index = QModelIndex | QPersistentModelIndex
FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.xlsb *.ods *.csv *.tsv *.txt);;All files (*)"
BADGES = {
    "profile": ("profile", "#1565c0"),
    "synonym": ("synonym", "#2e7d32"),
    "fuzzy": ("fuzzy match", "#ef6c00"),
    "user": ("your choice", "#6a1b9a"),
    "custom": ("new custom field", "#78909c"),
    "ignore": ("ignored", "#78909c"),
}


def message_of(exc: BaseException) -> str:
    if isinstance(exc, CspmError):
        return str(exc)
    return f"Something went wrong: {type(exc).__name__}: {exc}"


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet("color: #c62828; font-weight: 600;" if error else "color: #37474f;")
    label.setText(text)
    label.setVisible(bool(text))


def message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def column_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of tuples, with an optional colour per row."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self.headers = headers
        self.rows: list[tuple[Any, ...]] = []
        self.colours: list[QColor | None] = []

    def set_rows(self, rows: list[tuple[Any, ...]], colours: list[QColor | None] | None = None):
        self.beginResetModel()
        self.rows, self.colours = rows, colours or [None] * len(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(self.rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.colours[index.row()]
        return None


class RawModel(QAbstractTableModel):
    """The first rows of a sheet as read, the chosen header row highlighted."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list[Any]] = []
        self.row_numbers: list[int] = []
        self.header = -1

    def set_sheet(self, cells: list[list[Any]], row_numbers: list[int], header: int) -> None:
        self.beginResetModel()
        self.cells, self.row_numbers, self.header = cells, row_numbers, header
        self.endResetModel()

    def set_header(self, header: int) -> None:
        self.header = header
        if self.cells:
            last = self.index(len(self.cells) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.cells else len(self.cells[0])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section)
        return str(self.row_numbers[section]) if section < len(self.row_numbers) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self.cells[r][index.column()])
        if role == Qt.ItemDataRole.BackgroundRole and r == self.header:
            return QColor("#cfe3ff")
        if role == Qt.ItemDataRole.FontRole and r == self.header:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and r < self.header:
            return QColor("#9e9e9e")
        return None


# ---- pages ----


class FilePage(QWizardPage):
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
        return ImportWizard.SHEET if len(self.w.sheets) > 1 else ImportWizard.HEADER


class SheetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a sheet")
        self.setSubTitle("This workbook has several sheets; which one holds the accounts?")
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


def _read(path: Path, sheet: str | None) -> tuple[Any, int]:
    raw = read_sheet(path, sheet)
    return raw, guess_header(raw)


class HeaderPage(QWizardPage):
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
        if self._loaded_for == key and self.w.raw is not None:
            return
        self.w.raw = None
        self.model.set_sheet([], [], -1)
        self.choice.setText("")
        say(self.message, "Reading the sheet…")
        self.completeChanged.emit()
        run(
            self,
            _read,
            self.w.path,
            self.w.sheet,
            on_done=lambda res: self._loaded(key, *res),
            on_error=self._failed,
        )

    def _loaded(self, key: tuple[Any, Any], raw: Any, guess: int) -> None:
        if key != (self.w.path, self.w.sheet):
            return
        self._loaded_for = key
        self.w.raw = raw
        self.guess = guess
        say(self.message, "")
        count = max(PREVIEW_ROWS, guess + 5)
        cells = raw.cells.iloc[:count].to_numpy(dtype=object).tolist()
        self.model.set_sheet(cells, [int(n) for n in raw.row_numbers[:count]], guess)
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
        return self.w.raw is not None and self.w.header_index is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What does each column hold?")
        self.setSubTitle(
            "Columns cspm recognised are matched to its fields; the rest are kept as custom "
            "fields you can use in segments. Change any choice here."
        )
        self.targets = mapping_targets()
        self.labels = dict(self.targets)
        self.profile_label = QLabel()
        self.profile_label.setStyleSheet("color: #1565c0; font-weight: 600;")
        self.profile_label.hide()
        self.message = message_label()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            ["Column in the file", "First values", "Import as", "Matched by"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("e.g. Salesforce renewals report (optional)")
        form = QFormLayout()
        form.addRow("Save this mapping as a profile named", self.profile_name)
        lay = QVBoxLayout(self)
        lay.addWidget(self.profile_label)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        self.combos: dict[str, QComboBox] = {}
        self._seq = 0
        self._busy = False

    def initializePage(self) -> None:
        if self.w.prepared is None:
            self.prepare()

    def prepare(self) -> None:
        self._seq += 1
        seq = self._seq
        self._busy = True
        self.table.setEnabled(False)
        say(self.message, "Reading values…")
        self.completeChanged.emit()
        run(
            self,
            prepare_import,
            self.w.ctx,
            self.w.path,
            self.w.options(),
            on_done=lambda p: self._prepared(seq, p),
            on_error=lambda exc: self._failed(seq, exc),
        )

    def _prepared(self, seq: int, prepared: PreparedImport) -> None:
        if seq != self._seq:
            return
        self._busy = False
        self.w.prepared = prepared
        self.table.setEnabled(True)
        self._show(prepared)
        self.completeChanged.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._busy = False
        self.w.prepared = None
        self.table.setEnabled(True)
        say(self.message, message_of(exc), error=True)
        self.completeChanged.emit()

    def _show(self, prepared: PreparedImport) -> None:
        name = prepared.profile_name
        self.profile_label.setVisible(bool(name))
        if name:
            self.profile_label.setText(
                f"The saved mapping profile '{name}' was applied (its columns match this file)."
            )
        data = prepared.table.data
        lost = [
            h
            for h, t in self.w.user_mapping.items()
            if t in self.labels
            and t not in ("custom", "ignore")
            and any(c.header == h and c.target != t for c in prepared.mapping.columns)
        ]
        say(
            self.message,
            "".join(
                f"'{h}' is kept as a custom field: another column already imports as "
                f"{self.labels[self.w.user_mapping[h]]}. "
                for h in lost
            ),
            error=bool(lost),
        )
        self.table.setRowCount(len(prepared.mapping.columns))
        self.combos = {}
        for r, col in enumerate(prepared.mapping.columns):
            head = QTableWidgetItem(col.header)
            head.setFont(_bold())
            self.table.setItem(r, 0, head)
            values = (
                [cell_text(v) for v in data[col.header].dropna().head(3)]
                if (col.header in data.columns)
                else []
            )
            self.table.setItem(r, 1, QTableWidgetItem(", ".join(values)))
            combo = QComboBox()
            for target, label in self.targets:
                if target == "custom" and col.custom_name:
                    label = f"{label} ({col.custom_name})"
                combo.addItem(label, target)
            combo.setCurrentIndex(combo.findData(col.target))
            combo.currentIndexChanged.connect(lambda _i, h=col.header: self._changed(h))
            self.table.setCellWidget(r, 2, combo)
            self.combos[col.header] = combo
            text, colour = BADGES.get(col.how, (col.how, "#555555"))
            badge = QTableWidgetItem(text)
            badge.setForeground(QColor(colour))
            badge.setFont(_bold())
            self.table.setItem(r, 3, badge)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 260)
        self.table.resizeColumnToContents(3)

    def _changed(self, header: str) -> None:
        self.w.user_mapping[header] = self.combos[header].currentData()
        self.w.prepared = None
        self.prepare()

    def isComplete(self) -> bool:
        return not self._busy and self.w.prepared is not None

    def validatePage(self) -> bool:
        self.w.save_profile = self.profile_name.text().strip() or None
        return True


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def _write_problems(problems: list[Any], path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "column", "value", "message", "severity"])
        for p in problems:
            writer.writerow(
                ["" if x is None else x for x in (p.row, p.column, p.value, p.message, p.severity)]
            )
    return path


class ValidationPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check the values")
        self.setSubTitle("Every row was read and checked; nothing has been written yet.")
        self.ok_label, self.warn_label, self.rejected_label = QLabel(), QLabel(), QLabel()
        counts = QHBoxLayout()
        for label, colour in (
            (self.ok_label, "#2e7d32"),
            (self.warn_label, "#ef6c00"),
            (self.rejected_label, "#c62828"),
        ):
            label.setStyleSheet(f"color: {colour}; font-size: 13pt; font-weight: 600;")
            counts.addWidget(label)
        counts.addStretch(1)
        counts.setSpacing(28)
        self.skipped_label = QLabel()
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setStyleSheet("color: #607d8b;")
        self.model = RowsModel(["Row", "Column", "Value", "Problem", "Severity"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.save_button = QPushButton("Save problems as CSV…")
        self.skip_check = QCheckBox()
        self.why = message_label()
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_check)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addLayout(counts)
        lay.addWidget(self.skipped_label)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        lay.addWidget(self.why)
        self.skip_check.toggled.connect(self._skip_toggled)
        self.save_button.clicked.connect(self.save_problems)
        self.saved_to: Path | None = None

    def initializePage(self) -> None:
        prepared = self.w.prepared
        assert prepared is not None
        plan = prepared.plan
        rejected = len(plan.rejected_rows)
        ok = plan.rows_total - rejected
        warned = len({p.row for p in plan.warnings})
        self.ok_label.setText(f"✓ {ok:,} row{'' if ok == 1 else 's'} ready")
        self.warn_label.setText(
            f"⚠ {len(plan.warnings):,} warning{'' if len(plan.warnings) == 1 else 's'}"
            + (f" on {warned:,} row{'' if warned == 1 else 's'}" if warned else "")
        )
        self.rejected_label.setText(f"✕ {rejected:,} row{'' if rejected == 1 else 's'} rejected")
        skipped = prepared.table.skipped_rows
        self.skipped_label.setText(
            f"Header on row {prepared.table.header_row}; {len(skipped)} row"
            f"{'' if len(skipped) == 1 else 's'} below it left out (blank rows, report footers)."
            if skipped
            else f"Header on row {prepared.table.header_row}."
        )
        red, orange = QColor("#c62828"), QColor("#ef6c00")
        problems = plan.problems
        self.model.set_rows(
            [(p.row, p.column, p.value, p.message, p.severity) for p in problems],
            [red if p.severity == "error" else orange for p in problems],
        )
        self.table.resizeColumnsToContents()
        self.save_button.setEnabled(bool(problems))
        self.skip_check.blockSignals(True)
        self.skip_check.setChecked(self.w.skip_invalid and rejected > 0)
        self.skip_check.blockSignals(False)
        self.skip_check.setVisible(rejected > 0)
        self.skip_check.setText(
            f"Skip the {rejected:,} rejected row{'' if rejected == 1 else 's'} "
            f"and import the other {ok:,}"
        )
        self._explain()

    def _skip_toggled(self, on: bool) -> None:
        self.w.skip_invalid = on
        self._explain()
        self.completeChanged.emit()

    def _explain(self) -> None:
        plan = self.w.prepared.plan if self.w.prepared else None
        if plan is None:
            return
        if plan.frame.empty:
            say(
                self.why,
                "No row can be imported: every row was rejected (see the table). "
                "Check the header row and the column mapping.",
                error=True,
            )
        elif plan.rejected_rows and not self.skip_check.isChecked():
            say(
                self.why,
                "Some rows cannot be imported (see the table). Tick “Skip…” to "
                "import the others, or fix the file and start again.",
                error=True,
            )
        else:
            say(self.why, "")

    def isComplete(self) -> bool:
        plan = self.w.prepared.plan if self.w.prepared else None
        if plan is None or plan.frame.empty:
            return False
        return not plan.rejected_rows or self.skip_check.isChecked()

    def save_problems(self) -> None:
        assert self.w.prepared is not None
        default = f"{self.w.prepared.path.stem}-problems.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Save problems", default, "CSV (*.csv)")
        if not path:
            return
        run(
            self,
            _write_problems,
            list(self.w.prepared.plan.problems),
            Path(path),
            on_done=self._saved,
            on_error=lambda exc: say(self.why, message_of(exc), error=True),
        )

    def _saved(self, path: Path) -> None:
        self.saved_to = path
        say(self.why, f"Problems saved to {path}.")


class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Import")
        self.setSubTitle(
            "The values describe your accounts as of this date (usually the day "
            "the report was exported), so history and trends line up."
        )
        self.setCommitPage(True)
        today = wizard.ctx.today
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.step = QLabel()
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.hide()
        self.message = message_label()
        form = QFormLayout()
        form.addRow("As of", self.as_of)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.what)
        lay.addLayout(row)
        lay.addWidget(self.step)
        lay.addWidget(self.message)
        lay.addStretch(1)
        self.worker: Worker | None = None
        self.cancel_button.clicked.connect(self.cancel)

    def initializePage(self) -> None:
        prepared = self.w.prepared
        assert prepared is not None
        plan = prepared.plan
        n = len(plan.frame)
        sheet = f" (sheet '{prepared.raw.sheet}')" if prepared.raw.sheet else ""
        self.what.setText(
            f"Import <b>{n:,}</b> account row{'' if n == 1 else 's'} from "
            f"<b>{prepared.path.name}</b>{sheet}."
            + (
                f" {len(plan.rejected_rows):,} rejected rows are skipped."
                if plan.rejected_rows
                else ""
            )
            + (
                f" The mapping is saved as profile '{self.w.save_profile}'."
                if self.w.save_profile
                else ""
            )
        )
        say(self.message, "")

    def running(self) -> bool:
        return self.worker is not None

    def isComplete(self) -> bool:
        return not self.running()

    def validatePage(self) -> bool:
        if self.w.result is not None:
            return True
        if not self.running():
            self.start()
        return False

    def start(self) -> None:
        options = self.w.options()
        d = self.as_of.date()
        options.as_of = dt.date(d.year(), d.month(), d.day())
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.as_of.setEnabled(False)
        say(self.message, "")
        self.worker = run(
            self,
            apply_prepared,
            self.w.ctx,
            self.w.prepared,
            options,
            with_progress=True,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )
        self.completeChanged.emit()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.step.setText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.step.setText(message)

    def _finish(self) -> None:
        self.worker = None
        self.cancel_button.hide()
        self.as_of.setEnabled(True)
        self.completeChanged.emit()

    def _done(self, result: ImportResult) -> None:
        self._finish()
        if result.status == "refused":
            self.progress.hide()
            reasons = "; ".join(p.sentence() for p in result.problems if p.severity == "error")
            say(self.message, f"The import was refused: {reasons}", error=True)
            return
        self.w.result = result
        self.w.imported.emit(result)
        self.w.next()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.hide()
        self.step.setText("")
        if isinstance(exc, CancelledError):
            say(self.message, "Import cancelled; nothing was changed.")
        else:
            say(self.message, message_of(exc) + " Nothing was changed.", error=True)


class SummaryPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Imported")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.counts: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, key in enumerate(("new", "updated", "unchanged", "rejected", "warnings")):
            value = QLabel()
            value.setStyleSheet("font-size: 16pt; font-weight: 600;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name = QLabel(key.capitalize())
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, 0, i)
            grid.addWidget(name, 1, i)
            self.counts[key] = value
        self.moves_label = QLabel()
        self.moves = RowsModel(["Account", "Changed", "From", "To"])
        self.moves_view = QTableView()
        self.moves_view.setModel(self.moves)
        self.moves_view.verticalHeader().hide()
        self.moves_view.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addLayout(grid)
        lay.addWidget(self.moves_label)
        lay.addWidget(self.moves_view, 1)

    def initializePage(self) -> None:
        r = self.w.result
        assert r is not None
        self.headline.setText(
            f"<b>{r.file}</b>{f' (sheet {r.sheet})' if r.sheet else ''} imported as of "
            f"<b>{r.as_of.isoformat()}</b>: {r.rows_total:,} rows read."
        )
        values = {
            "new": r.new,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": r.rejected,
            "warnings": r.warnings,
        }
        for key, label in self.counts.items():
            label.setText(f"{values[key]:,}")
        what = {"tier": "Tier", "lifecycle_stage": "Stage"}
        self.moves.set_rows(
            [(m.name or m.key, what.get(m.what, m.what), m.before, m.after) for m in r.moves]
        )
        self.moves_view.resizeColumnsToContents()
        n = len(r.moves)
        self.moves_label.setText(
            f"{n:,} change{'' if n == 1 else 's'} of tier or lifecycle stage:"
            if n
            else "No account changed tier or lifecycle stage."
        )


class ImportWizard(QWizard):
    imported = Signal(object)  # the ImportResult, as soon as the import is written

    FILE, SHEET, HEADER, MAPPING, VALIDATION, RUN, SUMMARY = range(7)

    def __init__(
        self, ctx: AppContext, path: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import accounts")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(920, 640)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.path: Path | None = None
        self.sheets: list[str] = []
        self.sheet: str | None = None
        self.raw: Any = None
        self.header_index: int | None = None
        self.user_mapping: dict[str, str] = {}
        self.save_profile: str | None = None
        self.skip_invalid = False
        self.prepared: PreparedImport | None = None
        self.result: ImportResult | None = None
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.header_page = HeaderPage(self)
        self.mapping_page = MappingPage(self)
        self.validation_page = ValidationPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.sheet_page,
                self.header_page,
                self.mapping_page,
                self.validation_page,
                self.run_page,
                self.summary_page,
            )
        ):
            self.setPage(page_id, page)
        if path:
            self.file_page.path_edit.setText(str(path))

    def options(self) -> ImportOptions:
        return ImportOptions(
            sheet=self.sheet,
            header_index=self.header_index,
            mapping=dict(self.user_mapping),
            save_profile=self.save_profile,
            skip_invalid=self.skip_invalid,
        )

    def reset_from_sheet(self) -> None:
        self.raw = None
        self.header_index = None
        self.reset_from_header()

    def reset_from_header(self) -> None:
        self.user_mapping = {}
        self.prepared = None
        self.skip_invalid = False

    def reject(self) -> None:
        if self.run_page.running():
            self.run_page.cancel()  # the transaction rolls back; nothing is written
        super().reject()
