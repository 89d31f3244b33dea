"""Forecast: renewals this quarter and the next three, quarters across, accounts down.

The upper table is the totals per group (tier, segment, owner or the whole portfolio) and
category: ARR up for renewal and the expected retained ARR per quarter. The lower one lists
every renewing account with its category and amount in its quarter's column; double-click (or
"Change forecast…") opens the CSM's call (`ForecastCallDialog`), saved as an undoable change.
Both tables come from one worker call (`forecast_rows` + `forecast_totals`).
"""

from __future__ import annotations

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
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.money import USD, MoneyFormat, compact_one, full_one
from cspm.core.renewal_forecast import CATEGORIES
from cspm.service.context import AppContext
from cspm.service.forecast import forecast_rows, forecast_totals
from cspm.service.settings import money_format

from .account_opener import AccountOpener
from .busy import run, show_error
from .forecast_call_dialog import ForecastCallDialog

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
GROUPINGS = (("", "Portfolio"), ("tier", "Tier"), ("segment", "Segment"), ("owner", "Owner"))
CATEGORY_COLOURS = {"Commit": "#2e7d32", "Likely": "#1565c0", "At risk": "#ef6c00",
                    "Churn expected": "#c62828"}  # fmt: skip


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


class TotalsModel(QAbstractTableModel):
    """Group and category down; per quarter, ARR up and expected ARR across."""

    def __init__(self) -> None:
        super().__init__()
        self.quarters: list[str] = []
        self.rows: list[tuple[str, str]] = []
        self.cells: dict[tuple[str, str, str], tuple[int, float, float]] = {}
        self.money: MoneyFormat = USD

    def set_frame(self, frame: pd.DataFrame, quarters: list[str], money: MoneyFormat) -> None:
        self.beginResetModel()
        self.money, self.quarters = money, quarters
        groups = list(dict.fromkeys(frame["group"]))
        rank = {c: i for i, c in enumerate([*CATEGORIES, "All"])}
        pairs = dict.fromkeys(zip(frame["group"], frame["category"], strict=True))
        self.rows = sorted(pairs, key=lambda gc: (groups.index(gc[0]), rank.get(gc[1], 9)))
        self.cells = {
            (g, c, q): (int(n), float(up), float(exp))
            for g, c, q, n, up, exp in zip(
                frame["group"], frame["category"], frame["quarter"], frame["accounts"],
                frame["arr_up"], frame["expected_arr"], strict=True,
            )
        }  # fmt: skip
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + 2 * len(self.quarters)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < 2:
            return ("Group", "Category")[section]
        quarter = self.quarters[(section - 2) // 2]
        return f"{quarter}\n{'up' if section % 2 == 0 else 'expected'}"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        group, category = self.rows[index.row()]
        col = index.column()
        if col < 2:
            if role == Qt.ItemDataRole.DisplayRole:
                return group if col == 0 else category
            if role == Qt.ItemDataRole.FontRole and category == "All":
                font = QFont()
                font.setBold(True)
                return font
            return None
        quarter = self.quarters[(col - 2) // 2]
        cell = self.cells.get((group, category, quarter))
        value = None if cell is None else cell[1 if col % 2 == 0 else 2]
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if value is None else compact_one(value, self.money)
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None:
            return (
                f"{cell[0]:,} renewal{'s' if cell[0] != 1 else ''}: "
                f"{full_one(cell[1], self.money)} up, {full_one(cell[2], self.money)} expected"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


ACCOUNT_COLUMNS = (("name", "Account"), ("tier", "Tier"), ("owner", "Owner"),
                   ("renewal_date", "Renewal"), ("arr_up", "ARR up"))  # fmt: skip


class AccountsModel(QAbstractTableModel):
    """One row per renewing account; its category and amount in its quarter's column."""

    def __init__(self) -> None:
        super().__init__()
        self.quarters: list[str] = []
        self.frame = pd.DataFrame()
        self.records: list[dict[str, Any]] = []
        self.money: MoneyFormat = USD

    def set_frame(self, frame: pd.DataFrame, quarters: list[str], money: MoneyFormat) -> None:
        self.beginResetModel()
        self.frame, self.quarters, self.money = frame, quarters, money
        self.records = frame.to_dict("records")
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ACCOUNT_COLUMNS) + len(self.quarters) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(ACCOUNT_COLUMNS):
            return ACCOUNT_COLUMNS[section][1]
        if section < len(ACCOUNT_COLUMNS) + len(self.quarters):
            return self.quarters[section - len(ACCOUNT_COLUMNS)]
        return "Why"

    def key_at(self, row: int) -> str | None:
        return str(self.records[row]["key"]) if 0 <= row < len(self.records) else None

    def record(self, row: int) -> dict[str, Any]:
        return self.records[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.records[index.row()]
        col = index.column()
        if col < len(ACCOUNT_COLUMNS):
            name = ACCOUNT_COLUMNS[col][0]
            value = r.get(name)
            if role == Qt.ItemDataRole.DisplayRole:
                if _missing(value):
                    return ""
                if name == "arr_up":
                    return full_one(float(value or 0.0), self.money)
                if name == "renewal_date":
                    return pd.Timestamp(value).date().isoformat()
                return str(value)
            if role == SORT_ROLE:
                return None if _missing(value) else (str(value) if name != "arr_up" else value)
            return None
        q = col - len(ACCOUNT_COLUMNS)
        if q < len(self.quarters):
            mine = r["quarter"] == self.quarters[q]
            if role == Qt.ItemDataRole.DisplayRole and mine:
                mark = "✎ " if r.get("overridden") else ""
                return f"{mark}{r['category']} · {compact_one(r['amount'], self.money)}"
            if role == SORT_ROLE:
                return CATEGORIES.index(r["category"]) if mine else 99
            if role == Qt.ItemDataRole.ForegroundRole and mine:
                from PySide6.QtGui import QColor

                return QColor(CATEGORY_COLOURS.get(r["category"], "#455a64"))
            if role == Qt.ItemDataRole.ToolTipRole and mine:
                return _tip(r, self.money)
            return None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
            return _why(r)
        return None


def _why(r: dict[str, Any]) -> str:
    if r.get("overridden"):
        by = f" ({r['override_by']})" if r.get("override_by") else ""
        return f"Your call{by}: {r.get('override_reason') or ''}"
    return str(r.get("category_reason") or "")


def _tip(r: dict[str, Any], money: MoneyFormat) -> str:
    lines = [
        f"{r['category']}: {full_one(r['amount'], money)} at {100 * r['probability']:.0f}% = "
        f"{full_one(r['expected_arr'], money)} expected",
        f"Rules say {r['default_category']} ({r.get('category_reason') or ''})",
    ]
    if r.get("overridden"):
        lines.append(_why(r))
    if r.get("overdue"):
        lines.append("The renewal date has passed without a new one.")
    return "\n".join(lines)


class ForecastView(QWidget):
    """Totals per group and quarter above, renewing accounts below."""

    loaded = Signal()
    data_changed = Signal()
    account_requested = Signal(str)
    SHOWS = frozenset({"accounts", "imports", "overrides", "settings", "segments", "forecast"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.owner: str | None = None
        self._request = 0
        self._sorted = False
        self.grouping_combo = QComboBox()
        for value, label in GROUPINGS:
            self.grouping_combo.addItem(label, value)
        self.grouping_combo.setCurrentIndex(1)
        self.change_button = QPushButton("Change forecast…")
        self.change_button.setEnabled(False)
        self.status = QLabel("")
        self.status.setStyleSheet("color: #607d8b;")
        top = QHBoxLayout()
        top.addWidget(QLabel("Totals by:"))
        top.addWidget(self.grouping_combo)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.change_button)

        self.totals_model = TotalsModel()
        self.totals = QTableView()
        self.totals.setModel(self.totals_model)
        self.totals.verticalHeader().hide()
        self.totals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.totals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.model = AccountsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.change_current())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.change_button.setEnabled(self.current_row() is not None)
        )
        self.opener = AccountOpener(
            self.table,
            lambda index: self.model.key_at(self.proxy.mapToSource(index).row()),
            self.account_requested.emit,
            menu=False,
            clicks=False,
        )
        self.change_button.clicked.connect(self.change_current)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.totals)
        split.addWidget(self.table)
        split.setSizes([260, 440])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.grouping_combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def set_owner(self, owner: str | None, reload: bool = True) -> None:
        """The renewals of one owner's accounts (None: everyone's)."""
        self.owner = owner
        if reload:
            self.refresh()

    def refresh(self) -> None:
        self._request += 1
        request, by = self._request, self.grouping_combo.currentData() or None
        self.status.setText("Forecasting…")
        run(
            self,
            _load,
            self.ctx,
            by,
            self.owner,
            on_done=lambda result: self._show(request, *result),
            on_error=self._failed,
            supersede="forecast-load",
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        show_error(self, str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}")

    def _show(
        self, request: int, rows: pd.DataFrame, totals: pd.DataFrame, money: MoneyFormat
    ) -> None:
        if request != self._request:
            return
        quarters = list(dict.fromkeys(totals["quarter"])) if len(totals) else []
        self.totals_model.set_frame(totals, quarters, money)
        self.model.set_frame(rows, quarters, money)
        self.totals.resizeColumnsToContents()
        self.table.resizeColumnsToContents()
        if not self._sorted:  # by renewal date at first; the user's sort after that
            self._sorted = True
            self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 240))
        expected = rows["expected_arr"].sum() if len(rows) else 0.0
        self.status.setText(
            f"{len(rows):,} renewals, {compact_one(float(rows['arr_up'].sum()), money)} up, "
            f"{compact_one(float(expected), money)} expected"
            if len(rows)
            else "No renewal dates in the next four quarters."
        )
        self.loaded.emit()

    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        return self.proxy.mapToSource(index).row()

    def change_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        dialog = ForecastCallDialog(self.ctx, self.model.record(row), self.model.money, self)
        dialog.saved.connect(self._saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.call_dialog = dialog

    def _saved(self) -> None:
        self.data_changed.emit()
        self.refresh()

    def _menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction("Change forecast…", self.change_current)
        opening = self.opener.open_action(index, menu)
        if opening is not None:
            menu.addAction(opening)
        menu.popup(self.table.viewport().mapToGlobal(pos))


def _load(
    ctx: AppContext, by: str | None, owner: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, MoneyFormat]:
    """The renewing accounts, the totals and the currency (in a worker)."""
    rows = forecast_rows(ctx, owner=owner)
    totals = forecast_totals(ctx, by=by, rows=rows)  # type: ignore[arg-type]
    return rows, totals, money_format(ctx)
