"""Segments: the list (count, ARR, invalid marker) and the members of the selected one.

Every service call runs in a worker; mutations (new, edit, duplicate, delete, import of
definitions) refresh the list and emit `data_changed` so the rest of the window can follow.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import BadInputError, CspmError
from cspm.service.context import AppContext
from cspm.service.segments import (
    SegmentSummary,
    add_segment,
    edit_segment,
    export_segments,
    import_segments,
    list_segments,
    remove_segment,
    segment_members,
)

from .busy import run, show_error
from .rule_builder import RuleBuilderDialog, compact_money, open_rule_builder

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
RED = QColor("#c62828")


def confirm(parent: QWidget, title: str, text: str, on_yes: Any) -> QMessageBox:
    """A non-blocking Yes/No question; `on_yes()` runs when Yes is clicked."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("cspm-confirm")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    yes = box.button(QMessageBox.StandardButton.Yes)
    box.buttonClicked.connect(lambda b: on_yes() if b is yes else None)
    box.open()
    return box


def message_of(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}"


class SegmentListModel(QAbstractTableModel):
    HEADERS = ("Segment", "Accounts", "ARR")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SegmentSummary] = []

    def set_rows(self, rows: list[SegmentSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"⚠ {s.name}" if s.error else s.name
            if s.error:
                return "invalid" if col == 1 else ""
            return f"{s.count:,}" if col == 1 else compact_money(s.arr)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"This rule no longer fits the data: {s.error}" if s.error else s.text
        if role == Qt.ItemDataRole.ForegroundRole and s.error:
            return RED
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _display(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if kind == "money":
        return f"${float(value):,.0f}"
    if kind == "number":
        return f"{float(value):,.0f}"
    if kind == "date" and isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _sortable(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()
    return value


class FrameModel(QAbstractTableModel):
    """A read-only model over some columns of a DataFrame (index kept as the row key)."""

    def __init__(self, columns: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.columns = columns  # (frame column, header, kind)
        self.frame = pd.DataFrame()
        self._cells: list[list[Any]] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame
        self._cells = [
            frame[c].tolist() if c in frame.columns else [None] * len(frame)
            for c, _h, _k in self.columns
        ]
        self.endResetModel()

    def key(self, row: int) -> str:
        return str(self.frame.index[row])

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = self._cells[index.column()][index.row()]
        kind = self.columns[index.column()][2]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _display(value, kind)
        if role == SORT_ROLE:
            return _sortable(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("money", "number"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


MEMBER_COLUMNS = [
    ("name", "Account", "text"),
    ("owner", "Owner", "text"),
    ("tier", "Tier", "text"),
    ("lifecycle_stage", "Stage", "text"),
    ("arr", "ARR", "money"),
    ("renewal_date", "Renewal", "date"),
    ("health_score", "Health", "number"),
    ("why", "Why", "text"),
]


class SegmentsView(QWidget):
    data_changed = Signal()
    account_requested = Signal(str)  # account key, on double-click of a member

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.segments: list[SegmentSummary] | None = None
        self.dialog: RuleBuilderDialog | None = None
        self.members_loaded_for: str | None = None
        self._want: str | None = None

        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.duplicate_button = QPushButton("Duplicate…")
        self.delete_button = QPushButton("Delete")
        self.qbr_button = QPushButton("QBR pack…")
        self.qbr_button.setToolTip("Export a QBR pack (PDF) with one section per member")
        self.import_action = QAction("Import definitions…", self)
        self.export_action = QAction("Export definitions…", self)
        share = QToolButton(text="Share")
        share.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(share)
        menu.addActions([self.import_action, self.export_action])
        share.setMenu(menu)
        bar = QHBoxLayout()
        for b in (
            self.new_button,
            self.edit_button,
            self.duplicate_button,
            self.delete_button,
            self.qbr_button,
        ):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(share)

        self.list_model = SegmentListModel()
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().hide()
        self.list_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, slot in (
            ("Edit…", self.edit_selected),
            ("Duplicate…", self.duplicate_selected),
            ("Delete", self.delete_selected),
        ):
            action = QAction(text, self.list_view)
            action.triggered.connect(slot)
            self.list_view.addAction(action)

        self.title = QLabel("Segments")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.rule_label = QLabel("")
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("color: #455a64;")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828; font-weight: 600;")
        self.error_label.hide()
        self.members_model = FrameModel(MEMBER_COLUMNS)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.members_model)
        proxy.setSortRole(SORT_ROLE)
        self.members_proxy = proxy
        self.members_view = QTableView()
        self.members_view.setModel(proxy)
        self.members_view.setSortingEnabled(True)
        self.members_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.members_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_view.verticalHeader().hide()
        self.members_view.horizontalHeader().setStretchLastSection(True)
        self.members_view.doubleClicked.connect(self._member_activated)

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addLayout(bar)
        left_lay.addWidget(self.list_view)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.rule_label, self.error_label):
            right_lay.addWidget(w)
        right_lay.addWidget(self.members_view, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([380, 720])
        QVBoxLayout(self).addWidget(splitter)

        self.new_button.clicked.connect(self.new_segment)
        self.edit_button.clicked.connect(self.edit_selected)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.qbr_button.clicked.connect(self.export_qbr_pack)
        self.import_action.triggered.connect(self.import_definitions)
        self.export_action.triggered.connect(self.export_definitions)
        self.list_view.selectionModel().currentRowChanged.connect(self._selected)
        self.list_view.doubleClicked.connect(self.edit_selected)
        self._update_buttons()
        self.refresh()

    # -- loading --
    @Slot()
    def refresh(self) -> None:
        run(self, list_segments, self.ctx, on_done=self._show_list, on_error=self._error)

    def _show_list(self, segments: list[SegmentSummary]) -> None:
        keep = self._want or (self.selected().name if self.selected() else None)
        self._want = None
        self.segments = segments
        self.list_model.set_rows(segments)
        self.list_view.resizeColumnToContents(1)
        self.list_view.resizeColumnToContents(2)
        names = [s.name.casefold() for s in segments]
        row = names.index(keep.casefold()) if keep and keep.casefold() in names else 0
        if segments:
            self.list_view.selectRow(row)
            self._selected()
        else:
            self._show_segment(None)
        self._update_buttons()

    def selected(self) -> SegmentSummary | None:
        index = self.list_view.currentIndex()
        rows = self.list_model.rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def select(self, name: str) -> None:
        names = [s.name.casefold() for s in self.list_model.rows]
        if name.casefold() in names:
            self.list_view.selectRow(names.index(name.casefold()))

    def _selected(self, *_: Any) -> None:
        self._show_segment(self.selected())
        self._update_buttons()

    def _show_segment(self, s: SegmentSummary | None) -> None:
        self.members_loaded_for = None
        self.members_model.set_frame(pd.DataFrame())
        if s is None:
            self.title.setText("No segments yet — click New… to make one")
            self.rule_label.setText("")
            self.error_label.hide()
            return
        count = "invalid" if s.error else f"{s.count:,} accounts · {compact_money(s.arr)} ARR"
        self.title.setText(f"{s.name}  ·  {count}")
        self.rule_label.setText((s.description + "\n" if s.description else "") + f"Rule: {s.text}")
        self.error_label.setVisible(bool(s.error))
        if s.error:
            self.error_label.setText(
                f"This segment's rule no longer fits the data: {s.error}. Edit it to fix it."
            )
            self.members_loaded_for = s.name
            return
        run(
            self,
            segment_members,
            self.ctx,
            s.name,
            on_done=lambda frame, name=s.name: self._show_members(name, frame),
            on_error=self._error,
        )

    def _show_members(self, name: str, frame: pd.DataFrame) -> None:
        current = self.selected()
        if current is None or current.name != name:
            return  # a late answer for a segment no longer selected
        self.members_model.set_frame(frame)
        self.members_view.resizeColumnsToContents()
        self.members_loaded_for = name

    def _member_activated(self, index: QModelIndex) -> None:
        row = self.members_proxy.mapToSource(index).row()
        self.account_requested.emit(self.members_model.key(row))

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for b in (self.edit_button, self.duplicate_button, self.delete_button, self.qbr_button):
            b.setEnabled(has)

    def export_qbr_pack(self) -> None:
        """The Export dialog, pre-filled as a QBR pack of the selected segment."""
        from .export_dialog import ExportDialog

        s = self.selected()
        if s is None:
            return
        self.export_dialog = ExportDialog(self.ctx, self, segment=s.name)
        self.export_dialog.open()

    def _error(self, exc: BaseException) -> None:
        show_error(self, message_of(exc))

    # -- mutations --
    @Slot()
    def new_segment(self) -> None:
        self._open_builder(None)

    @Slot()
    def edit_selected(self) -> None:
        s = self.selected()
        if s is not None:
            self._open_builder(s.name, s.name, s.description, s.rule)

    @Slot()
    def duplicate_selected(self) -> None:
        s = self.selected()
        if s is not None:
            self._open_builder(None, f"{s.name} (copy)", s.description, s.rule)

    def _open_builder(
        self,
        original: str | None,
        name: str = "",
        description: str = "",
        rule: dict[str, Any] | None = None,
    ) -> None:
        self.dialog = open_rule_builder(
            self,
            self.ctx,
            lambda d: self._save(original, d.segment_name(), d.description(), d.rule_json()),
            name,
            description,
            rule,
        )

    def _save(self, original: str | None, name: str, description: str, rule: dict) -> None:
        def failed(exc: BaseException) -> None:
            show_error(self, message_of(exc), "Segment not saved")
            self._open_builder(original, name, description, rule)  # nothing typed is lost

        if original is None:
            run(
                self,
                add_segment,
                self.ctx,
                name,
                rule,
                description,
                on_done=self._saved,
                on_error=failed,
            )
        else:
            new_name = name if name != original else None
            run(
                self,
                _edit,
                self.ctx,
                original,
                rule,
                new_name,
                description,
                on_done=self._saved,
                on_error=failed,
            )

    def _saved(self, summary: SegmentSummary) -> None:
        self._want = summary.name
        self.refresh()
        self.data_changed.emit()

    @Slot()
    def delete_selected(self) -> None:
        s = self.selected()
        if s is None:
            return
        confirm(
            self,
            "Delete segment",
            f"Delete the segment '{s.name}'? Its accounts are not affected.",
            lambda: run(
                self, remove_segment, self.ctx, s.name, on_done=self._removed, on_error=self._error
            ),
        )

    def _removed(self, _name: str) -> None:
        self.refresh()
        self.data_changed.emit()

    @Slot()
    def import_definitions(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import segment definitions", "", "Segment definitions (*.json)"
        )
        if path:
            self._import(Path(path), replace=False)

    def _import(self, path: Path, *, replace: bool) -> None:
        def failed(exc: BaseException) -> None:
            if isinstance(exc, BadInputError) and "already exists" in str(exc) and not replace:
                confirm(
                    self,
                    "Replace segments?",
                    f"{exc}\n\nReplace the existing segments with the ones in {path.name}?".replace(
                        "; use --replace to overwrite it", ""
                    ),
                    lambda: self._import(path, replace=True),
                )
            else:
                self._error(exc)

        run(self, _import_defs, self.ctx, path, replace, on_done=self._imported, on_error=failed)

    def _imported(self, names: list[str]) -> None:
        if names:
            self._want = names[0]
        self.refresh()
        self.data_changed.emit()

    @Slot()
    def export_definitions(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export segment definitions", "segments.json", "Segment definitions (*.json)"
        )
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            run(self, export_segments, self.ctx, Path(path), on_error=self._error)


def _edit(
    ctx: AppContext, name: str, rule: dict, new_name: str | None, description: str
) -> SegmentSummary:
    return edit_segment(ctx, name, rule=rule, new_name=new_name, description=description)


def _import_defs(ctx: AppContext, path: Path, replace: bool) -> list[str]:
    return import_segments(ctx, path, replace=replace)
