"""The account table: a model that sorts and filters itself with whole-array operations.

A QSortFilterProxyModel over 100,000 rows calls back into Python for every comparison (about a
minute per sort); here everything per-row is prepared once per reload, in a worker
(`table_data.prepare_table`, no Qt): display strings as numpy object arrays, one float sort key
per column (NaN = missing, so missing sorts last both ways), tier/stage codes and a casefolded
search text. The model then keeps one numpy index array of the visible rows: a sort is one
argsort, a filter is one boolean mask, and `data()` is two array look-ups. Numbers (ARR, health,
days) are not formatted up front: `data()` formats the one cell the view asks for from the float
sort key, since a window shows a few dozen rows of 100,000 and formatting them all cost 0.1 s
per load.

This module is the Qt half (the model, the health tints, the roles); the data half is in
`table_data`, whose public names are re-exported here for existing imports.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from .table_data import (
    ALWAYS_FORMATTED,
    COLUMN_IDS,
    COLUMNS,
    GREEN_FROM,
    PER_CELL,
    RED_BELOW,
    Column,
    TableData,
    empty_table,
    prepare_table,
)

# The data half's names stay importable from here (portfolio_view, account_detail, the tests
# and benchmarks/bench_gui.py import them from account_table).
__all__ = ["ALWAYS_FORMATTED", "BAND_NAMES", "BAND_RGB", "COLUMNS", "COLUMN_IDS", "GREEN_FROM",
           "KEY_ROLE", "PER_CELL", "RED_BELOW", "SORT_ROLE", "AccountTableModel", "Column",
           "TableData", "band_brushes", "empty_table", "prepare_table"]  # fmt: skip

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
# Band hues, mixed into the palette's base colour (so the tint works on light and dark).
BAND_RGB = {1: (200, 85, 61), 2: (227, 176, 75), 3: (94, 158, 126)}
BAND_NAMES = {0: "no score", 1: "red", 2: "yellow", 3: "green"}


def _mix(base: QColor, rgb: tuple[int, int, int], amount: float) -> QColor:
    r, g, b = rgb
    return QColor(
        round(base.red() * (1 - amount) + r * amount),
        round(base.green() * (1 - amount) + g * amount),
        round(base.blue() * (1 - amount) + b * amount),
    )


def band_brushes(palette: QPalette) -> dict[int, QBrush]:
    """Health tints mixed into the palette's base colour: light tints on a light palette,
    deep ones on a dark palette; the palette's text colour stays readable on both."""
    base = palette.color(QPalette.ColorRole.Base)
    amount = 0.45 if base.lightness() < 128 else 0.32
    return {band: QBrush(_mix(base, rgb, amount)) for band, rgb in BAND_RGB.items()}


class AccountTableModel(QAbstractTableModel):
    """Accounts in COLUMNS order; sorts (`sort`) and filters (`set_search`, `set_filter`)
    itself. `visible_changed(int)` carries the number of visible rows after any change."""

    visible_changed = QtSignal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = empty_table()
        self._order = np.arange(0, dtype=np.int64)
        self._visible = self._order
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._needle = ""
        self._search_mask: tuple[str, np.ndarray] | None = None  # (needle, its match mask)
        self._tier: str | None = None
        self._stage: str | None = None
        self._scope: np.ndarray | None = None  # bool per row: the book shown (owner, segment)
        self._brushes = band_brushes(QApplication.palette())
        self._health_col = COLUMN_IDS.index("health_score")
        self._segments_col = COLUMN_IDS.index("segments")
        self._align = [
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c.numeric
            else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            for c in COLUMNS
        ]

    # ---- data in -------------------------------------------------------------------------
    def set_table(self, data: TableData, scope: np.ndarray | None = None) -> None:
        """New data (after a reload): the current sort, search and filter are kept; `scope`
        (bool per row of `data`, None: every row) is the book shown (see `set_scope`)."""
        self.beginResetModel()
        self._data = data
        self._scope = scope
        self._search_mask = None
        self._order = self._sorted_order()
        self._visible = self._compute_visible()
        self.endResetModel()
        self.visible_changed.emit(len(self._visible))

    def update_palette(self) -> None:
        self._brushes = band_brushes(QApplication.palette())
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, self._health_col),
                self.index(self.rowCount() - 1, self._health_col),
                [Qt.ItemDataRole.BackgroundRole],
            )

    # ---- sorting and filtering -------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= len(COLUMNS):
            return
        self._sort = (column, order) if column >= 0 else None  # -1: unsorted (load order)
        self.layoutAboutToBeChanged.emit()
        previous = self._visible
        self._order = self._sorted_order()
        self._visible = self._compute_visible()
        self._remap_persistent(previous)
        self.layoutChanged.emit()

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self._refilter()

    def set_scope(self, scope: np.ndarray | None) -> None:
        """Only these rows (bool per row; None: all), under the search and tier/stage filter:
        the owner's book and segment chosen outside the table."""
        if scope is None and self._scope is None:
            return
        self._scope = scope
        self._refilter()

    def set_filter(self, tier: str | None = None, stage: str | None = None) -> None:
        if (tier, stage) == (self._tier, self._stage):
            return
        self._tier, self._stage = tier, stage
        self._refilter()

    @property
    def filter(self) -> tuple[str | None, str | None]:
        return self._tier, self._stage

    @property
    def search_text(self) -> str:
        return self._needle

    def _sorted_order(self) -> np.ndarray:
        n = self._data.rows
        if self._sort is None or n == 0:
            return np.arange(n, dtype=np.int64)
        column, order = self._sort
        key = self._data.sort_key(column)
        if order == Qt.SortOrder.DescendingOrder:
            key = -key  # NaN stays NaN, so missing values stay last
        return np.argsort(key, kind="stable").astype(np.int64, copy=False)

    def _mask(self) -> np.ndarray | None:
        d = self._data
        mask: np.ndarray | None = self._scope
        if self._tier is not None:
            code = d.tiers.index(self._tier) if self._tier in d.tiers else -2
            tier_mask = d.tier_codes == code
            mask = tier_mask if mask is None else mask & tier_mask
        if self._stage is not None:
            code = d.stages.index(self._stage) if self._stage in d.stages else -2
            stage_mask = d.stage_codes == code
            mask = stage_mask if mask is None else mask & stage_mask
        if self._needle:
            search = self._search(self._needle)
            mask = search if mask is None else mask & search
        return mask

    def _search(self, needle: str) -> np.ndarray:
        """Rows whose name/owner/ID contains the needle; narrowing a search (typing on) only
        re-tests the rows that matched the shorter text."""
        cached = self._search_mask
        narrowing = cached is not None and cached[0] and needle.startswith(cached[0])
        prev = np.flatnonzero(cached[1]) if narrowing and cached is not None else None
        if prev is not None and len(prev) < self._data.rows // 2:  # else a full scan is faster
            mask = np.zeros(self._data.rows, dtype=bool)
            mask[prev[np.strings.find(self._data.search[prev], needle) >= 0]] = True
        else:
            mask = np.strings.find(self._data.search, needle) >= 0
        self._search_mask = (needle, mask)
        return mask

    def _compute_visible(self) -> np.ndarray:
        mask = self._mask()
        if mask is None:
            return self._order
        return self._order[mask[self._order]]

    def _refilter(self) -> None:
        self.beginResetModel()
        self._visible = self._compute_visible()
        self.endResetModel()
        self.visible_changed.emit(len(self._visible))

    def _remap_persistent(self, previous: np.ndarray) -> None:
        """Keep the selection and current row on the same accounts across a sort."""
        old = self.persistentIndexList()
        if not old:
            return
        position = np.full(self._data.rows, -1, dtype=np.int64)
        position[self._visible] = np.arange(len(self._visible))
        new = []
        for index in old:
            row = int(position[previous[index.row()]]) if index.row() < len(previous) else -1
            new.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)

    # ---- look-ups --------------------------------------------------------------------------
    def key_at(self, row: int) -> str:
        return str(self._data.keys[self._visible[row]])

    def row_of_key(self, key: str) -> int | None:
        hits = np.flatnonzero(self._data.keys[self._visible] == key)
        return int(hits[0]) if len(hits) else None

    def visible_rows(self) -> np.ndarray:
        """Row numbers (of the loaded data) the table shows, in display order."""
        return self._visible

    def visible_keys(self) -> list[str]:
        return [str(k) for k in self._data.keys[self._visible]]

    def column_text(self, column_id: str) -> list[str]:
        return [str(v) for v in self._data.column_text(COLUMN_IDS.index(column_id))[self._visible]]

    @property
    def total_rows(self) -> int:
        return self._data.rows

    # ---- Qt model interface --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._data.cell_text(index.column(), int(self._visible[index.row()]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[index.column()]
        column = index.column()
        if role == Qt.ItemDataRole.BackgroundRole and column == self._health_col:
            band = int(self._data.band[self._visible[index.row()]])
            return self._brushes.get(band)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self._health_col:
                return (
                    f"Health band: {BAND_NAMES[int(self._data.band[self._visible[index.row()]])]}"
                )
            if column == self._segments_col:
                text = self._data.column_text(column)[self._visible[index.row()]]
                return text.replace("; ", "\n") or "In no segment"
            return self._data.cell_tip(column, int(self._visible[index.row()]))
        if role == KEY_ROLE:
            return str(self._data.keys[self._visible[index.row()]])
        if role == SORT_ROLE:
            value = self._data.sort_key(column)[self._visible[index.row()]]
            return None if np.isnan(value) else float(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return (col.tip or col.title) + " (click to sort; right-click to choose columns)"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
