"""Past imports (newest first) with their counts, status and who made each, and undo of the
user's own latest import (never a colleague's; "undo anyway" when a later import stands on it)."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.service.context import AppContext
from cspm.service.import_undo import BuiltOnError
from cspm.service.imports import set_import_as_of, undo_latest_import
from cspm.service.imports_list import list_imports
from cspm.service.personal import current_user

from .busy import run, show_error
from .import_wizard import RowsModel
from .import_wizard.kind_texts import KIND_TEXTS
from .segments_view import confirm, message_of

_Index = QModelIndex | QPersistentModelIndex
# The as-of box shows this (not a made-up 2000-01-01) while no import is selected: Qt's
# date edit cannot be empty, so its minimum date stands for "none" and shows as NO_DATE_TEXT.
NO_DATE = QDate(1900, 1, 1)
NO_DATE_TEXT = "Select an import"
STATUS_TEXT = {"committed": "Imported", "undone": "Undone"}


class ImportsModel(RowsModel):
    """RowsModel whose numbers align right and whose undone imports are greyed."""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= index.column() <= 8:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ImportsView(QWidget):
    data_changed = Signal()
    import_requested = Signal()  # "Import a file…": the main window opens the wizard

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.imports: list[Any] | None = None
        self.title = QLabel("Imports")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.import_button = QPushButton("Import a file…")
        self.undo_button = QPushButton("Undo my latest import…")
        self.undo_button.setEnabled(False)
        # Re-dating: the date a file describes decides where it sits in history (trends,
        # "dropped by" rules), whatever order files were loaded in.
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setMinimumDate(NO_DATE)
        self.as_of_edit.setSpecialValueText(NO_DATE_TEXT)
        self.as_of_edit.setToolTip("The date the selected import describes")
        self._clear_as_of()
        self.redate_button = QPushButton("Set as-of date")
        self.redate_button.setToolTip("Change the date the selected import describes")
        self.redate_button.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.as_of_edit)
        bar.addWidget(self.redate_button)
        self.model = ImportsModel(
            [
                "Loaded",
                "File",
                "As of",
                "Rows",
                "New",
                "Updated",
                "Unchanged",
                "Rejected",
                "Warnings",
                "Status",
                "By",
                "Kind",
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        self.import_button.clicked.connect(self.import_requested)
        self.undo_button.clicked.connect(self.undo_latest)
        self.redate_button.clicked.connect(self.redate_selected)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        run(self, list_imports, self.ctx, on_done=self._show, on_error=self._error)

    def _show(self, imports: list[Any]) -> None:
        self.imports = imports
        grey = QColor("#9e9e9e")
        self.model.set_rows(
            [
                (
                    i.started_at.strftime("%Y-%m-%d %H:%M"),
                    i.file_name + (f" · {i.sheet}" if i.sheet else ""),
                    i.as_of.isoformat(),
                    f"{i.rows_total:,}",
                    f"{i.new_count:,}",
                    f"{i.updated_count:,}",
                    f"{i.unchanged_count:,}",
                    f"{i.rejected_count:,}",
                    f"{i.warning_count:,}",
                    STATUS_TEXT.get(i.status, i.status.capitalize()),
                    i.user or "",
                    KIND_TEXTS[i.kind].title if i.kind in KIND_TEXTS else i.kind,
                )
                for i in imports
            ],
            [grey if i.status != "committed" else None for i in imports],
        )
        self.table.resizeColumnsToContents()
        latest = self.latest()
        self.undo_button.setEnabled(latest is not None)
        self.undo_button.setToolTip(
            f"Undo the import of {latest.file_name} (as of {latest.as_of})" if latest else ""
        )
        if not imports:
            self.message.setText("No imports yet. Import a spreadsheet exported from your CRM.")
        self._row_changed()  # a reset model has no current row: the as-of box follows

    def selected_import(self) -> Any:
        row = self.table.currentIndex().row()
        if self.imports is None or not 0 <= row < len(self.imports):
            return None
        return self.imports[row]

    def _row_changed(self, *_: Any) -> None:
        chosen = self.selected_import()
        ok = chosen is not None and chosen.status == "committed"
        self.redate_button.setEnabled(ok)
        if ok:
            self.as_of_edit.setEnabled(True)
            self.as_of_edit.setDate(QDate(chosen.as_of.year, chosen.as_of.month, chosen.as_of.day))
        else:
            self._clear_as_of()

    def _clear_as_of(self) -> None:
        """Nothing (or an undone import) selected: the box says so and cannot be edited."""
        self.as_of_edit.setDate(NO_DATE)
        self.as_of_edit.setEnabled(False)

    @Slot()
    def redate_selected(self) -> None:
        chosen = self.selected_import()
        if chosen is None:
            return
        new = self.as_of_edit.date().toPython()
        self.redate_button.setEnabled(False)
        run(
            self,
            set_import_as_of,
            self.ctx,
            chosen.id,
            new,
            on_done=self._redated,
            on_error=self._error,
        )

    def _redated(self, info: Any) -> None:
        self.message.setText(f"{info.file_name} now describes {info.as_of.isoformat()}.")
        self.refresh()
        self.data_changed.emit()

    def latest(self) -> Any:
        """The user's own newest committed import (or one from before cspm recorded who)."""
        me = current_user()
        committed = [i for i in self.imports or [] if i.status == "committed"]
        return next((i for i in committed if i.user is None or i.user == me), None)

    @Slot()
    def undo_latest(self) -> None:
        latest = self.latest()
        if latest is None:
            return
        confirm(
            self,
            "Undo import",
            f"Undo the import of {latest.file_name} (as of {latest.as_of.isoformat()})? "
            "Accounts go back to what they were before it; accounts it added are removed.",
            self._undo,
        )

    def _undo(self, anyway: bool = False) -> None:
        self.undo_button.setEnabled(False)
        run(
            self,
            partial(undo_latest_import, anyway=anyway),
            self.ctx,
            on_done=self._undone,
            on_error=self._undo_refused,
        )

    def _undo_refused(self, exc: BaseException) -> None:
        """A colleague's later import of the same accounts stands on it: say which, and offer
        to undo anyway (their import stays; the accounts follow the snapshots that remain)."""
        if not isinstance(exc, BuiltOnError):
            self._error(exc)
            return
        if self.imports is not None:
            self._show(self.imports)
        text = str(exc)
        confirm(
            self, "Undo anyway?", f"{text}\n\nUndo your import anyway?", lambda: self._undo(True)
        )

    def _undone(self, info: Any) -> None:
        self.message.setText(f"Undid the import of {info.file_name} (as of {info.as_of}).")
        self.refresh()
        self.data_changed.emit()

    def _error(self, exc: BaseException) -> None:
        show_error(self, message_of(exc))
        if self.imports is not None:
            self._show(self.imports)
