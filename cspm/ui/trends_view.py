"""Trends: outcomes per group and period (ARR movements, GRR, NRR, logo churn, health, NPS),
three charts, and what changed since the last import.

The table holds exactly the service's rows (`outcomes(ctx, by=..., period=...)`), shown newest
period first; the charts are built from the same frame on the GUI thread (milliseconds).
With fewer than two snapshots there is nothing to trend, and the view says how to get there.
"""

from __future__ import annotations

import math
from typing import Any, Literal, cast

import pandas as pd
from matplotlib.figure import Figure
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.book import owner_label
from cspm.core.errors import CspmError
from cspm.core.money import USD, MoneyFormat, compact_one, full_one
from cspm.service.context import AppContext
from cspm.service.outcomes import Grouping, outcomes
from cspm.service.settings import money_format

from . import trend_charts
from .busy import run, show_error
from .changes_panel import ChangesPanel
from .chart_canvas import ChartCanvas

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
GROUPINGS = (("tier", "Tier", "tier"), ("stage", "Lifecycle stage", "stage"),
             ("segment", "Segment", "segment"), ("owner", "Owner", "owner"))  # fmt: skip
PERIODS = (("quarter", "Quarter"), ("month", "Month"))
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("period", "Period", "text"),
    ("group", "Group", "text"),
    ("start_arr", "Start\nARR", "money"),
    ("new_arr", "New", "money"),
    ("expansion_arr", "Expansion", "money"),
    ("contraction_arr", "Contraction", "money"),
    ("churned_arr", "Churned", "money"),
    ("end_arr", "End\nARR", "money"),
    ("grr", "GRR", "pct"),
    ("nrr", "NRR", "pct"),
    ("logo_churn_rate", "Logo\nchurn", "pct"),
    ("avg_health", "Avg\nhealth", "num"),
    ("nps", "NPS", "nps"),
)
TIPS = {
    "start_arr": "ARR at the start of the period",
    "end_arr": "ARR at the end of the period",
    "avg_health": "Average health score at the end of the period",
    "nps": "Net promoter score at the end of the period",
    "grr": "Gross revenue retention: start ARR minus contraction and churn, over start ARR",
    "nrr": "Net revenue retention: start ARR plus expansion, minus contraction and churn",
    "logo_churn_rate": "Share of the accounts at the start of the period that churned in it",
    "new_arr": "ARR of accounts that joined the group in the period",
}
EMPTY_TEXT = (
    "Trends need at least two imports.\n\nImport your CRM export again next week or next "
    "month (or an older export with its as-of date): cspm keeps a snapshot of every import "
    "and shows how ARR, retention, churn and health moved, per tier, stage, segment or owner."
)
TOTAL_BG = QColor(127, 127, 127, 28)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def cell_text(value: Any, kind: str, money: MoneyFormat = USD) -> str:
    if _missing(value):
        return "—"
    if kind == "money":
        return compact_one(float(value), money)
    if kind == "pct":
        return f"{float(value):.1%}"
    if kind == "num":
        return f"{float(value):.0f}"
    if kind == "nps":
        return f"{float(value):+.0f}" if round(float(value)) else "0"
    return str(value)


class OutcomeModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.frame = pd.DataFrame()
        self.group_header = "Group"
        self._rows: list[dict[str, Any]] = []
        self.money: MoneyFormat = USD  # the portfolio currency, set with each frame

    def set_frame(self, frame: pd.DataFrame, group_header: str) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.group_header = group_header
        self._rows = self.frame.to_dict("records")
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.group_header if column[0] == "group" else column[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS.get(column[0])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._rows[index.row()]
        name, _header, kind = COLUMNS[index.column()]
        value: Any = row.get(name)  # a record's cell: anything, None when absent
        total = row.get("group") == trend_charts.TOTAL
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value, kind, self.money)
        if role == SORT_ROLE:
            return None if _missing(value) else value
        if role == Qt.ItemDataRole.ToolTipRole and kind == "money" and not _missing(value):
            return full_one(float(value), self.money)
        if role == Qt.ItemDataRole.ToolTipRole and name == "group":
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole and name == "logo_churn_rate":
            return (
                f"{row['churned_logos']:,} of {row['start_logos']:,} accounts churned; "
                f"{row['new_logos']:,} new"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and kind != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and total:
            return TOTAL_BG
        return None

    def row_values(self, row: int) -> dict[str, Any]:
        return self._rows[row]


def _canvas(figure: Figure) -> ChartCanvas:
    # Three fit side by side in a 1000 px window (the navigation takes 150 of it).
    return ChartCanvas(figure, min_width=220, min_height=230)


class TrendsView(QWidget):
    loaded = Signal()
    account_requested = Signal(str)  # from the what-changed panel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table_frame: pd.DataFrame | None = None
        self._shown: tuple[str, pd.DataFrame, MoneyFormat] | None = None  # (by, frame, money)
        self._request = 0
        self.owner: str | None = None  # outcomes of this owner's accounts (the owner filter)

        self.grouping_combo = QComboBox()
        for by, label, _noun in GROUPINGS:
            self.grouping_combo.addItem(label, by)
        self.period_combo = QComboBox()
        for period, label in PERIODS:
            self.period_combo.addItem(label, period)
        self.status = QLabel("")
        self.status.setStyleSheet("color: #607d8b;")
        top = QHBoxLayout()
        top.addWidget(QLabel("Group by:"))
        top.addWidget(self.grouping_combo)
        top.addSpacing(12)
        top.addWidget(QLabel("Period:"))
        top.addWidget(self.period_combo)
        top.addStretch(1)
        top.addWidget(self.status)

        charts = QWidget()
        self.charts_layout = QHBoxLayout(charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.arr_canvas, self.retention_canvas, self.health_canvas = (
            _canvas(f) for f in trend_charts.busy()
        )
        for canvas in self.canvases():
            self.charts_layout.addWidget(canvas, 1)

        self.model = OutcomeModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.changes_panel = ChangesPanel(ctx)
        self.changes_panel.account_requested.connect(self.account_requested)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.table)
        bottom.addWidget(self.changes_panel)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([700, 470])  # the changes panel's names need the room at 1000 px
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(charts)
        main.addWidget(bottom)
        main.setStretchFactor(0, 2)
        main.setStretchFactor(1, 3)
        main.setSizes([300, 440])

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("trends-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(40)
        self.empty.setStyleSheet("color: #546e7a; font-size: 12pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(main)
        self.stack.addWidget(self.empty)
        self.content = main

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self.grouping_combo.currentIndexChanged.connect(self.reload)
        self.period_combo.currentIndexChanged.connect(self.reload)
        self.refresh()

    def canvases(self) -> tuple[ChartCanvas, ...]:
        return (self.arr_canvas, self.retention_canvas, self.health_canvas)

    def grouping(self) -> str:
        return str(self.grouping_combo.currentData())

    def period(self) -> str:
        return str(self.period_combo.currentData())

    def set_grouping(self, by: str, period: str | None = None) -> None:
        if period is not None:
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(period)))
            self.period_combo.blockSignals(False)
        index = self.grouping_combo.findData(by)
        if index == self.grouping_combo.currentIndex():
            self.reload()
        else:
            self.grouping_combo.setCurrentIndex(index)

    @Slot()
    def refresh(self) -> None:
        self.reload()
        self.changes_panel.refresh()

    def set_owner(self, owner: str | None, reload: bool = True) -> None:
        """Outcomes of one owner's accounts (None: everyone's)."""
        self.owner = owner
        if reload:
            self.reload()

    @Slot()
    def reload(self) -> None:
        self._request += 1
        request, by, period = self._request, self.grouping(), self.period()
        self.status.setText("Computing outcomes…")
        self._set_figures(*trend_charts.busy())
        run(
            self,
            _outcomes,
            self.ctx,
            by,
            period,
            self.owner,
            on_done=lambda result: self._show(request, by, period, *result),
            on_error=self._failed,
            supersede="trends-load",
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        show_error(self, str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}")

    def _show(
        self, request: int, by: str, period: str, frame: pd.DataFrame, money: MoneyFormat = USD
    ) -> None:
        if request != self._request:
            return
        noun = next(n for b, _l, n in GROUPINGS if b == by)
        self.table_frame = frame
        self.model.money = money
        self.model.set_frame(frame, noun.capitalize())
        if frame.empty:
            self.status.setText("")
            self.stack.setCurrentWidget(self.empty)
            self.loaded.emit()
            return
        self.stack.setCurrentWidget(self.content)
        self.proxy.sort(0, Qt.SortOrder.DescendingOrder)  # newest period first (stable)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self._fit_columns()
        periods = frame["period"].nunique()
        first, last = frame["period"].iloc[0], frame["period"].iloc[-1]
        book = "" if self.owner is None else f"{owner_label(self.owner)} · "
        self.status.setText(f"{book}{periods} {period}s, {first} to {last}")
        self._shown = (by, frame, money)
        self._draw_charts()
        self.loaded.emit()

    def _draw_charts(self) -> None:
        if self._shown is None:
            return
        by, frame, money = self._shown
        noun = next(n for b, _l, n in GROUPINGS if b == by)
        self._set_figures(
            trend_charts.arr_over_time(frame, noun, overlapping=by == "segment", money=money),
            trend_charts.retention(frame, noun),
            trend_charts.health_over_time(frame, noun),
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: charts follow
            self._draw_charts()

    def _fit_columns(self) -> None:
        """Content width, or the header's widest line: no room kept for a sort arrow in every
        column (Qt's default), so all the metrics fit beside the changes panel."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for col in range(self.model.columnCount()):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal, 0) or "")
            text = max((metrics.horizontalAdvance(t) for t in title.split("\n")), default=0)
            arrow = 18 if col == header.sortIndicatorSection() else 0
            width = max(self.table.sizeHintForColumn(col), text + 14 + arrow)
            if COLUMNS[col][0] == "group":
                width = min(width, 170)  # long segment names elide; the tooltip has them
            self.table.setColumnWidth(col, width)

    def _set_figures(self, *figures: Figure) -> None:
        old = self.canvases()
        new = tuple(_canvas(f) for f in figures)
        for i, (before, after) in enumerate(zip(old, new, strict=True)):
            self.charts_layout.replaceWidget(before, after)
            self.charts_layout.setStretch(i, 1)
            before.setParent(None)
            before.deleteLater()
        self.arr_canvas, self.retention_canvas, self.health_canvas = new


def _outcomes(
    ctx: AppContext, by: str, period: str, owner: str | None = None
) -> tuple[pd.DataFrame, MoneyFormat]:
    """The outcomes table (of `owner`'s accounts when given) and the portfolio currency it is
    written in (in a worker)."""
    # The combo boxes hold exactly the service's literal values (GROUPINGS / PERIODS above).
    frame = outcomes(
        ctx,
        by=cast(Grouping, by),
        period=cast(Literal["month", "quarter"], period),
        owner=owner,
    )
    return frame, money_format(ctx)
