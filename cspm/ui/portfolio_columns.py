"""The portfolio table's columns: which are shown, their default widths, the column menu, and
the shown columns and sort order remembered between sessions (window preferences)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QWidget

from cspm.core.field_labels import AGGREGATE_GROUP

from .account_table import COLUMN_IDS, COLUMNS
from .prefs import qsettings
from .table_data import RELATED_COLUMNS

if TYPE_CHECKING:
    from .portfolio_view import AccountTableView

DEFAULT_WIDTHS = {  # in average character widths
    "name": 26,
    "owner": 15,
    "tier": 11,
    "lifecycle_stage": 11,
    "arr": 11,
    "health_score": 7,
    "renewal_date": 11,
    "days_since_last_interaction": 9,
    "external_id": 12,
    # the aggregates: wide enough for their labels ("Contacts Inactive Share (10 days)")
    **{c.id: min(len(c.title) + 2, 24) for c in RELATED_COLUMNS},
}
HIDDEN_KEY = "portfolio/hidden_columns"
KNOWN_KEY = "portfolio/known_columns"  # the columns there were when HIDDEN_KEY was saved
SORT_KEY = "portfolio/sort"


class PortfolioColumns:
    """Mixed into the portfolio view (before QWidget); it provides `table`."""

    table: AccountTableView

    # ---- columns ---------------------------------------------------------------------------
    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self if isinstance(self, QWidget) else None)
        header = self.table.horizontalHeader()
        # the aggregates of related data in their own submenu, so the main list stays short
        related = QMenu(AGGREGATE_GROUP, menu)
        related_ids = {c.id for c in RELATED_COLUMNS}
        for i, col in enumerate(COLUMNS):
            action = (related if col.id in related_ids else menu).addAction(col.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(col.id != "name")
            action.toggled.connect(lambda on, c=col.id: self.set_column_visible(c, on))
        menu.addSeparator()
        menu.addMenu(related)
        menu.addSeparator()
        menu.addAction("Default columns", self.reset_columns)
        menu.popup(header.mapToGlobal(pos))

    def set_column_visible(self, column_id: str, visible: bool) -> None:
        self.table.setColumnHidden(COLUMN_IDS.index(column_id), not visible)
        self._save_columns()

    def reset_columns(self) -> None:
        for i, col in enumerate(COLUMNS):
            self.table.setColumnHidden(i, not col.visible)
        self._save_columns()

    def hidden_columns(self) -> list[str]:
        return [c.id for i, c in enumerate(COLUMNS) if self.table.isColumnHidden(i)]

    def _save_columns(self) -> None:
        store = qsettings()
        store.setValue(HIDDEN_KEY, ",".join(self.hidden_columns()) or "-")
        store.setValue(KNOWN_KEY, ",".join(COLUMN_IDS))

    def _restore_columns(self) -> None:
        store = qsettings()
        saved = store.value(HIDDEN_KEY)
        defaults = {c.id for c in COLUMNS if not c.visible}
        if saved:
            # a column added since the choice was saved keeps its default (hidden) state;
            # choices saved before the list was recorded knew every column but the aggregates
            known = store.value(KNOWN_KEY)
            seen = (
                set(str(known).split(","))
                if known
                else set(COLUMN_IDS) - {c.id for c in RELATED_COLUMNS}
            )
            hidden = {c for c in str(saved).split(",") if c} | (defaults - seen)
        else:
            hidden = defaults
        for i, col in enumerate(COLUMNS):
            self.table.setColumnHidden(i, col.id in hidden and col.id != "name")
        sort = str(store.value(SORT_KEY) or "")
        column, _, order = sort.partition(":")
        header = self.table.horizontalHeader()
        if column in COLUMN_IDS:
            desc = order == "desc"
            header.setSortIndicator(
                COLUMN_IDS.index(column),
                Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder,
            )
        else:
            header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

    def _save_sort(self, section: int, order: Qt.SortOrder) -> None:
        if 0 <= section < len(COLUMNS):
            desc = order == Qt.SortOrder.DescendingOrder
            qsettings().setValue(SORT_KEY, f"{COLUMNS[section].id}:{'desc' if desc else 'asc'}")
