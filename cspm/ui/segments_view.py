"""Segments: the list (count, ARR, invalid marker) and the members of the selected one.

Every service call runs in a worker; mutations (new, edit, duplicate, delete, import of
definitions) refresh the list and emit `data_changed` so the rest of the window can follow.
The list model is in `segment_list`, the members side in `segment_members`, the rule editor
in `rule_builder`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cspm.core.book import owner_label
from cspm.core.errors import BadInputError
from cspm.core.money import MoneyFormat
from cspm.service.context import AppContext
from cspm.service.segments import (
    SegmentSummary,
    add_segment,
    edit_segment,
    export_segments,
    import_segments,
    list_segments,
    remove_segment,
)
from cspm.service.settings import money_format

from .busy import run, show_error
from .messages import confirm, message_of
from .rule_builder import RuleBuilderDialog, open_rule_builder
from .segment_list import SegmentListModel
from .segment_members import SegmentMembers

# Other views import these two from here (they were born in this module).
__all__ = ["SegmentsView", "confirm", "message_of"]


def _segments_and_money(
    ctx: AppContext, owner: str | None = None
) -> tuple[list[SegmentSummary], MoneyFormat]:
    """The segment list (counted over `owner`'s accounts when given) and the portfolio
    currency its ARR is written in (in a worker)."""
    return list_segments(ctx, owner=owner), money_format(ctx)


class SegmentsView(QWidget):
    """The Segments screen: toolbar and list on the left, the selected segment on the right."""

    data_changed = Signal()
    account_requested = Signal(str)  # account key, on double-click of a member
    loaded = Signal()  # the list shows the latest answer (counts for the current owner)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.segments: list[SegmentSummary] | None = None
        self.dialog: RuleBuilderDialog | None = None
        self._want: str | None = None
        self.owner: str | None = None  # counts over this owner's accounts (the owner filter)
        self._request = 0

        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.duplicate_button = QPushButton("Duplicate…")
        self.delete_button = QPushButton("Delete")
        self.qbr_button = QPushButton("QBR pack…")
        self.qbr_button.setToolTip("Export a QBR pack (PDF) with one section per member")
        self.import_action = QAction("Import definitions…", self)
        self.export_action = QAction("Export definitions…", self)
        share = QToolButton()
        share.setText("Share")
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
        self.scope_label = QLabel()
        self.scope_label.setObjectName("segments-scope")
        bar.addWidget(self.scope_label)
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

        self.members = SegmentMembers(ctx)
        self.members.account_requested.connect(self.account_requested)
        # The parts tests and callers reach for, under their old names.
        self.title, self.rule_label = self.members.title, self.members.rule_label
        self.error_label = self.members.error_label
        self.members_model, self.members_proxy = self.members.model, self.members.proxy
        self.members_view = self.members.view

        # The buttons span the view above both panes: inside the list pane they set its minimum
        # width and pushed the members' "Why" column out of sight.
        splitter = QSplitter()
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.members)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 950])
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(splitter, 1)

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
        self._request += 1
        request = self._request
        self.scope_label.setText("Counting…")
        run(
            self,
            _segments_and_money,
            self.ctx,
            self.owner,
            on_done=lambda result: self._loaded(result, request),
            on_error=self._error,
            supersede="segments-load",
        )

    def set_owner(self, owner: str | None, reload: bool = True) -> None:
        """Count the segments over one owner's accounts (None: everyone's)."""
        self.owner = owner
        self.members.owner = owner
        if reload:
            self.refresh()

    def _loaded(
        self, result: tuple[list[SegmentSummary], MoneyFormat], request: int | None = None
    ) -> None:
        if request is not None and request != self._request:
            return  # an answer for an earlier owner
        segments, money = result
        scope = "" if self.owner is None else owner_label(self.owner)
        self.scope_label.setText(f"Counts: {scope}" if scope else "")
        self.list_model.money = money
        self.members.set_money(money)
        self._show_list(segments)
        self.loaded.emit()

    def _show_list(self, segments: list[SegmentSummary]) -> None:
        keep = self._want or (current.name if (current := self.selected()) else None)
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
            self.members.show_segment(None)
        self._update_buttons()

    @property
    def members_loaded_for(self) -> str | None:
        """The segment whose members are on screen (None while they load)."""
        return self.members.members_loaded_for

    def selected(self) -> SegmentSummary | None:
        index = self.list_view.currentIndex()
        rows = self.list_model.rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def select(self, name: str) -> None:
        names = [s.name.casefold() for s in self.list_model.rows]
        if name.casefold() in names:
            self.list_view.selectRow(names.index(name.casefold()))

    def _selected(self, *_: Any) -> None:
        self.members.show_segment(self.selected())
        self._update_buttons()

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
