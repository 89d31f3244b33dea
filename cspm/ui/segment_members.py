"""The right-hand side of the Segments view: the selected segment, its rule and its members.

Members come from the service as a DataFrame (one row per account, with a 'why' column);
`FrameModel` shows some of its columns read-only, sortable through a proxy by raw value.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.money import USD, MoneyFormat, compact_one, full_one
from cspm.service.context import AppContext
from cspm.service.reasons import readable_reasons
from cspm.service.segments import SegmentSummary, segment_members

from .account_opener import AccountOpener
from .busy import run, show_error
from .messages import message_of

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex

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


def readable_members(ctx: AppContext, name: str, owner: str | None = None) -> pd.DataFrame:
    """In a worker: the members (of one owner's book, or everyone's) with their "Why" in
    words ("Renewal Date 2027-01-11 ..."), as the account detail shows the same reasons."""
    members = segment_members(ctx, name, owner)
    members["why"] = readable_reasons(members["why"].astype(str).tolist())
    return members


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _display(value: Any, kind: str, money: MoneyFormat = USD) -> str:
    if _missing(value):
        return ""
    if kind == "money":
        return full_one(float(value), money)
    if kind == "number":
        return f"{float(value):,.0f}"
    if kind == "date" and isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _sortable(value: Any) -> Any:
    """Raw values sort right ($9 before $10); dates as ISO text so they compare with None."""
    if _missing(value):
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
        self.money: MoneyFormat = USD  # the portfolio currency
        self._cells: list[list[Any]] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        # Cells are copied to lists once: data() runs per cell per paint, .iat would be slow.
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
            return _display(value, kind, self.money)
        if role == SORT_ROLE:
            return _sortable(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("money", "number"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SegmentMembers(QWidget):
    """Title with count and ARR, the rule in words, an error line for invalid rules, members.

    Members load in a worker; an answer for a segment no longer shown is dropped.
    """

    account_requested = Signal(str)  # account key: double-click, Enter or "Open account"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.money: MoneyFormat = USD  # the portfolio currency, set by the segments view
        self.members_loaded_for: str | None = None
        self._shown: str | None = None
        self.owner: str | None = None  # only this owner's members (the owner filter)
        self.title = QLabel("Segments")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.rule_label = QLabel("")
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("color: #455a64;")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828; font-weight: 600;")
        self.error_label.hide()
        self.model = FrameModel(MEMBER_COLUMNS)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.opener = AccountOpener(self.view, self._member_key, self.account_requested.emit)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.rule_label, self.error_label):
            lay.addWidget(w)
        lay.addWidget(self.view, 1)

    def show_segment(self, s: SegmentSummary | None) -> None:
        """Show a segment (None: there are none) and start loading its members."""
        self.members_loaded_for = None
        self._shown = s.name if s is not None else None
        self.model.set_frame(pd.DataFrame())
        if s is None:
            self.title.setText("No segments yet — click New… to make one")
            self.rule_label.setText("")
            self.error_label.hide()
            return
        count = (
            "invalid" if s.error else f"{s.count:,} accounts · {compact_one(s.arr, self.money)} ARR"
        )
        self.title.setText(f"{s.name}  ·  {count}")
        by = f"\nLast changed by {s.changed_by}" if s.changed_by else ""
        self.rule_label.setText(
            (s.description + "\n" if s.description else "") + f"Rule: {s.text}" + by
        )
        self.error_label.setVisible(bool(s.error))
        if s.error:
            self.error_label.setText(
                f"This segment's rule no longer fits the data: {s.error}. Edit it to fix it."
            )
            self.members_loaded_for = s.name
            return
        run(
            self,
            readable_members,
            self.ctx,
            s.name,
            self.owner,
            on_done=functools.partial(self._show_members, s.name),
            on_error=self._failed,
        )

    def set_money(self, money: MoneyFormat) -> None:
        """Write amounts in this currency from the next segment shown on."""
        self.money = money
        self.model.money = money

    def _failed(self, exc: BaseException) -> None:
        show_error(self, message_of(exc))

    def _show_members(self, name: str, frame: pd.DataFrame) -> None:
        if name != self._shown:
            return  # a late answer for a segment no longer selected
        self.model.set_frame(frame)
        self.view.resizeColumnsToContents()
        # "Why" takes the room left (full text in its tooltip) instead of widening the table.
        why = len(MEMBER_COLUMNS) - 1
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(why, QHeaderView.ResizeMode.Stretch)
        self.members_loaded_for = name

    def _member_key(self, index: QModelIndex) -> str | None:
        row = self.proxy.mapToSource(index).row()
        return self.model.key(row) if 0 <= row < self.model.rowCount() else None
