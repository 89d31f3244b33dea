"""The tasks table's model: one row per open task, in the service's order.

Kept apart from `tasks_view` so the view module holds the widget (filters, actions, dialogs)
and this one holds how a task reads in a table: display text, tooltips, sort keys and the red,
bold due date of an overdue task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
RED = QColor("#c62828")


def as_date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def due_words(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return "No due date"
    days = (due - today).days
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'s' if days != 1 else ''}"


class Records(Sequence[dict[str, Any]]):
    """A frame's rows as dicts, built when asked for: the tasks table shows a screenful of
    25,000 (one owner's) or 170,000 rows, and `to_dict("records")` of them all on the GUI
    thread cost 0.5 s (3.2 s for everyone's). Values are as `to_dict` gives them (Python
    numbers, Timestamps, str, lists): each column is turned into Python objects once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._names = [str(c) for c in frame.columns]
        self._columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
        self._len = len(frame)
        self._by_name = dict(zip(self._names, self._columns, strict=True))

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if not -self._len <= i < self._len:
            raise IndexError(i)
        return {name: col[i] for name, col in zip(self._names, self._columns, strict=True)}

    def view(self, i: int) -> _Row:
        """Row `i` read in place, for the cells (a sort asks for two rows per comparison)."""
        return _Row(self._by_name, i)


class _Row:
    """One row's values by column name, read from the columns when asked for."""

    __slots__ = ("_columns", "_i")

    def __init__(self, columns: dict[str, np.ndarray], i: int) -> None:
        self._columns, self._i = columns, i

    def __getitem__(self, name: str) -> Any:
        return self._columns[name][self._i]


class TaskModel(QAbstractTableModel):
    HEADERS = ("Priority", "Due", "Account", "Owner", "Task", "Reasons")

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.frame = pd.DataFrame()
        self._rows = Records(self.frame)
        self._due: list[dt.date | None] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self._rows = Records(self.frame)
        self._due = _due_dates(self.frame)
        self.endResetModel()

    def task(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        t, col = self._rows.view(index.row()), index.column()
        due = self._due[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(t, col, due)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(t, col, due)
        if role == SORT_ROLE:
            return (t["priority"], due.isoformat() if due else "9999", t["account_name"] or "",
                    str(t["owner"] or ""), t["title"], len(t["reasons"]))[col]  # fmt: skip
        overdue = due is not None and due < self.today
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and overdue:
            return RED
        if role == Qt.ItemDataRole.FontRole and col == 1 and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, t: _Row, col: int, due: dt.date | None) -> str:
        if col == 0:
            return f"{t['priority']:.0f}"
        if col == 1:
            return due.isoformat() if due else ""
        if col == 2:
            return str(t["account_name"] or t["account"])
        if col == 3:
            return "" if pd.isna(t["owner"]) else str(t["owner"])
        if col == 4:
            return str(t["title"])
        return "; ".join(t["reasons"])

    def _tip(self, t: _Row, col: int, due: dt.date | None) -> str:
        if col == 1:
            return due_words(due, self.today)
        if col == 2:
            return f"{t['account_name']} ({t['account']}) · {t['tier']} · {t['owner'] or '—'}"
        if col == 4 and t["description"]:
            return str(t["description"])
        reasons = "\n".join(f"• {r}" for r in t["reasons"])
        return f"Why this task, with priority {t['priority']:.0f}:\n{reasons}"


def _due_dates(frame: pd.DataFrame) -> list[dt.date | None]:
    """Each row's due date as `as_date` reads it, converted once per reload: a sort by a
    header asks for two rows' dates per comparison (25,000 rows: ~800,000 conversions)."""
    if "due_date" not in frame.columns:
        return []
    due = pd.to_datetime(frame["due_date"])
    return [None if pd.isna(v) else v for v in due.dt.date.to_numpy(dtype=object)]
