"""Read-only table models of the import wizard (also used by the imports view).

Plain lists of Python values behind a QAbstractTableModel, filled on the GUI thread from what a
worker returned, so a view never reaches into pandas or the database while painting.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cspm.core.read_notes import column_letter

from .helpers import bold, cell_text

_Index = QModelIndex | QPersistentModelIndex


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
            return bold()
        if role == Qt.ItemDataRole.ForegroundRole and r < self.header:
            return QColor("#9e9e9e")
        return None
