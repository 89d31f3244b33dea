"""The tier x lifecycle-stage matrix: account count and ARR per cell, shaded by ARR.

Rows are tiers in band order, columns stages in lifecycle order (as `portfolio_summary` gives
them). Clicking a cell, a tier (row header) or a stage (column header) asks for a filter of the
account table; the active filter is drawn as the selection. Shading mixes the palette's
highlight colour into its base colour, so it reads on light and dark palettes alike.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QSizePolicy,
    QTableView,
    QWidget,
)

from cspm.core.money import USD, MoneyFormat, compact_one, full_one


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() * (1 - amount) + b.red() * amount),
        round(a.green() * (1 - amount) + b.green() * amount),
        round(a.blue() * (1 - amount) + b.blue() * amount),
    )


def _luma(c: QColor) -> float:
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()


class MatrixModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tiers: list[str] = []
        self.stages: list[str] = []
        self._cells: list[list[tuple[int, float]]] = []
        self._max_arr = 0.0
        self.money: MoneyFormat = USD  # the portfolio currency, set with each matrix
        self._bg: list[list[QBrush | None]] = []
        self._fg: list[list[QBrush | None]] = []

    def set_matrix(self, matrix: pd.DataFrame) -> None:
        self.beginResetModel()
        self.tiers = [str(t) for t in matrix.index]
        self.stages = [str(s) for s in matrix.columns]
        self._cells = [
            [(int(c[0]), float(c[1])) for c in matrix.iloc[r].tolist()]
            for r in range(len(self.tiers))
        ]
        self._max_arr = max((arr for row in self._cells for _, arr in row), default=0.0)
        self._shade()
        self.endResetModel()

    def cell(self, tier: str, stage: str) -> tuple[int, float]:
        return self._cells[self.tiers.index(tier)][self.stages.index(stage)]

    def update_palette(self) -> None:
        self.beginResetModel()
        self._shade()
        self.endResetModel()

    def _shade(self) -> None:
        pal = QApplication.palette()
        base = pal.color(QPalette.ColorRole.Base)
        accent = pal.color(QPalette.ColorRole.Highlight)
        texts = (pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.HighlightedText))
        self._bg, self._fg = [], []
        for row in self._cells:
            bg_row: list[QBrush | None] = []
            fg_row: list[QBrush | None] = []
            for count, arr in row:
                if count == 0:
                    bg_row.append(None)
                    fg_row.append(None)
                    continue
                share = arr / self._max_arr if self._max_arr > 0 else 0.0
                colour = _mix(base, accent, 0.06 + 0.6 * share)
                bg_row.append(QBrush(colour))
                best = max(texts, key=lambda t: abs(_luma(t) - _luma(colour)))
                fg_row.append(QBrush(best))
            self._bg.append(bg_row)
            self._fg.append(fg_row)

    def _tier_total(self, r: int) -> tuple[int, float]:
        return sum(c for c, _ in self._cells[r]), sum(a for _, a in self._cells[r])

    def _stage_total(self, c: int) -> tuple[int, float]:
        return sum(row[c][0] for row in self._cells), sum(row[c][1] for row in self._cells)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tiers)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.stages)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        r, c = index.row(), index.column()
        count, arr = self._cells[r][c]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{count:,}\n{compact_one(arr, self.money)}" if count else ""
        if role == Qt.ItemDataRole.UserRole:
            return count
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._bg[r][c]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._fg[r][c]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{self.tiers[r]} · {self.stages[c]}: {count:,} accounts, "
                f"ARR {full_one(arr, self.money)}\n"
                "Click to show these accounts"
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        names = self.stages if horizontal else self.tiers
        if not 0 <= section < len(names):
            return None
        count, arr = self._stage_total(section) if horizontal else self._tier_total(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{names[section]}\n{count:,} · {compact_one(arr, self.money)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            what = "stage" if horizontal else "tier"
            return f"Click to show every account of this {what}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None


class MatrixWidget(QTableView):
    """Emits `filter_requested(tier, stage)`; either may be None (a whole row or column)."""

    filter_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = MatrixModel(self)
        self.setModel(self.model_)
        self.setObjectName("matrix")
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCornerButtonEnabled(False)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        h, v = self.horizontalHeader(), self.verticalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        h.setMinimumSectionSize(84)
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        for header in (h, v):
            header.setSectionsClickable(True)
            header.setHighlightSections(True)
        line = self.fontMetrics().lineSpacing()
        v.setDefaultSectionSize(2 * line + 14)
        h.setFixedHeight(2 * line + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.clicked.connect(self._cell_clicked)
        h.sectionClicked.connect(self._stage_clicked)
        v.sectionClicked.connect(self._tier_clicked)
        self._filter: tuple[str | None, str | None] = (None, None)

    def set_matrix(self, matrix: pd.DataFrame, money: MoneyFormat = USD) -> None:
        self.model_.money = money
        self.model_.set_matrix(matrix)
        self.verticalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_height()
        self.show_filter(*self._filter)

    def _fit_height(self) -> None:
        rows = sum(self.rowHeight(r) for r in range(self.model_.rowCount()))
        self.setFixedHeight(rows + self.horizontalHeader().height() + 2 * self.frameWidth() + 2)

    def _cell_clicked(self, index: QModelIndex) -> None:
        self.filter_requested.emit(
            self.model_.tiers[index.row()], self.model_.stages[index.column()]
        )

    def _stage_clicked(self, section: int) -> None:
        self.filter_requested.emit(None, self.model_.stages[section])

    def _tier_clicked(self, section: int) -> None:
        self.filter_requested.emit(self.model_.tiers[section], None)

    def show_filter(self, tier: str | None, stage: str | None) -> None:
        """Draw the active filter as the selection (programmatic; users click, not select)."""
        self._filter = (tier, stage)
        sel = self.selectionModel()
        sel.clearSelection()
        m = self.model_
        rows = [m.tiers.index(tier)] if tier in m.tiers else ([] if tier else range(m.rowCount()))
        cols = (
            [m.stages.index(stage)]
            if stage in m.stages
            else ([] if stage else range(m.columnCount()))
        )
        if (tier is None and stage is None) or not rows or not cols:
            return
        selection = QItemSelection()
        for r in rows:
            for c in cols:
                selection.select(m.index(r, c), m.index(r, c))
        sel.select(selection, QItemSelectionModel.SelectionFlag.Select)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model_.update_palette()
