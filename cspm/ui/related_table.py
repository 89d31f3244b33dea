"""A small read-only table of a few dozen rows for the account detail: sortable by clicking a
header (by value, not by text: "$96,000" after "$24,000", missing last), rows marked for
attention with a tint of the palette (readable light and dark), as tall as its rows so the
detail scrolls as one page.

The related sections (subscriptions, contacts, open tickets) build one from plain `Cell`s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ROWS_SHOWN = 10  # taller tables scroll inside

MARK_COLOURS = {"renewal": "#3E7CB1", "warn": "#D9A53F", "alert": "#C8553D"}
"""Accent of each row mark; the row's background is the palette's base moved toward it."""


@dataclass(frozen=True)
class Cell:
    """One cell: what it reads, what it sorts by (None sorts last), its tooltip."""

    text: str
    sort: float | str | None = None
    tip: str = ""


def mark_background(palette: QPalette, mark: str) -> QColor:
    """A tint of `mark`'s accent over the palette's base: strong enough to see, light enough
    for the palette's text to stay readable (more accent on a dark base, which hides it)."""
    base = palette.color(QPalette.ColorRole.Base)
    accent = QColor(MARK_COLOURS[mark])
    t = 0.34 if base.lightness() < 128 else 0.2
    return QColor.fromRgbF(
        base.redF() + (accent.redF() - base.redF()) * t,
        base.greenF() + (accent.greenF() - base.greenF()) * t,
        base.blueF() + (accent.blueF() - base.blueF()) * t,
    )


class _Item(QTableWidgetItem):
    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        order = (
            self.tableWidget().horizontalHeader().sortIndicatorOrder()
            if self.tableWidget()
            else None
        )
        if a is None or b is None:  # missing last, whichever the direction
            if a is None and b is None:
                return False
            last_wins = order == Qt.SortOrder.DescendingOrder
            return (a is None) == last_wins
        if isinstance(a, str) or isinstance(b, str):
            return str(a).casefold() < str(b).casefold()
        return float(a) < float(b)


class RelatedTable(QTableWidget):
    """Rows of `Cell`s under `headers`; `marks[i]` ("renewal", "warn", "alert" or None)
    tints row i; `numeric` columns align right."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        marks: Sequence[str | None] | None = None,
        *,
        numeric: Sequence[int] = (),
        bold_marks: Sequence[str] = ("renewal",),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(len(rows), len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.marks = list(marks) if marks is not None else [None] * len(rows)
        self.bold_marks = tuple(bold_marks)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                item = _Item(cell.text)
                item.setData(SORT_ROLE, _sort_value(cell.sort))
                item.setData(Qt.ItemDataRole.UserRole, self.marks[r])
                if cell.tip:
                    item.setToolTip(cell.tip)
                if c in numeric:
                    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    item.setTextAlignment(align)
                self.setItem(r, c, item)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(False)  # the marks are the only tints
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        head = self.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        head.setHighlightSections(False)
        head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # rows keep their given order
        self.setSortingEnabled(True)  # until a header is clicked
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._paint_marks()
        self._fit_height()

    def cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.item(row, column)
        assert item is not None  # every cell is filled at construction
        return item

    def row_texts(self, column: int) -> list[str]:
        """The texts of one column, top to bottom as shown (after any sort)."""
        return [self.cell(r, column).text() for r in range(self.rowCount())]

    def row_mark(self, row: int) -> str | None:
        mark = self.cell(row, 0).data(Qt.ItemDataRole.UserRole)
        return str(mark) if mark else None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_marks()

    def _paint_marks(self) -> None:
        palette = self.palette()
        for r in range(self.rowCount()):
            mark = self.row_mark(r)
            for c in range(self.columnCount()):
                item = self.cell(r, c)
                if mark is None:
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                    continue
                item.setBackground(QBrush(mark_background(palette, mark)))
                item.setForeground(QBrush(palette.color(QPalette.ColorRole.Text)))
                if mark in self.bold_marks:
                    font = QFont(self.font())
                    font.setBold(True)
                    item.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()  # a narrow window adds a horizontal scroll bar: room for it

    def _fit_height(self) -> None:
        shown = min(self.rowCount(), MAX_ROWS_SHOWN)
        rows = sum(self.rowHeight(r) for r in range(shown))
        frame = 2 * self.frameWidth()
        wide = self.horizontalHeader().length() > self.viewport().width() + 1
        extra = self.horizontalScrollBar().sizeHint().height() if wide else 0
        height = self.horizontalHeader().sizeHint().height() + rows + frame + extra
        if height != self.height():
            self.setFixedHeight(height)


def _sort_value(value: float | str | None) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
