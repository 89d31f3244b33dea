"""The segment list model: name, member count and ARR, with invalid rules marked in red."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cspm.core.money import USD, MoneyFormat, compact_one
from cspm.service.segments import SegmentSummary

_Index = QModelIndex | QPersistentModelIndex
RED = QColor("#c62828")


class SegmentListModel(QAbstractTableModel):
    """Rows are the service's `SegmentSummary` objects, shown as they come (no ORM rows)."""

    HEADERS = ("Segment", "Accounts", "ARR")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SegmentSummary] = []
        self.money: MoneyFormat = USD  # the portfolio currency, set by the view with the rows

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
            return f"{s.count:,}" if col == 1 else compact_one(s.arr, self.money)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"This rule no longer fits the data: {s.error}" if s.error else s.text
            return tip + (f"\nLast changed by {s.changed_by}" if s.changed_by else "")
        if role == Qt.ItemDataRole.ForegroundRole and s.error:
            return RED
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
