"""The Contacts table's data and model: one row per contact, prepared in the worker.

`prepare_contacts` turns the service's contact list into numpy arrays without Qt (text columns,
the login day and the days since it); the model formats only the cells a view asks for, so
100,000 contacts reload without formatting 100,000 rows anywhere. Text columns sort ignoring
case (the proxy's setting); never-logged-in contacts sort as the longest inactive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from cspm.service.contacts import ContactList

SORT_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Account", "Name", "E-mail", "Role", "Last login", "Days since login")
TIPS = (
    "The account the contact belongs to (double-click to open it)",
    "",
    "",
    "Role or job title as in the contacts export",
    "Last login as in the contacts export; Never = no login recorded",
    "Whole days from the last login to today",
)
NEVER = "Never"
TEXT_COLUMNS = ("account_name", "name", "email", "role")


def _text(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), "").to_numpy(dtype=object)


@dataclass(frozen=True)
class ContactRows:
    """What the model shows: text per text column, the login day and days since it."""

    keys: np.ndarray  # account key per row
    text: tuple[np.ndarray, ...]  # object arrays, TEXT_COLUMNS order ("" for missing)
    login: np.ndarray  # datetime64[D], NaT for never
    days: np.ndarray  # float, NaN for never
    result: ContactList

    @property
    def count(self) -> int:
        return len(self.keys)


def prepare_contacts(result: ContactList) -> ContactRows:
    """The arrays the model reads (runs in the worker)."""
    f = result.frame
    login = pd.to_datetime(f["last_login"]).to_numpy(dtype="datetime64[D]")
    days = f["days_since_login"].to_numpy(dtype=float)
    text = tuple(_text(f[c]) for c in TEXT_COLUMNS)
    return ContactRows(_text(f["account_key"]), text, login, days, result)


class ContactModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: ContactRows | None = None

    def set_rows(self, rows: ContactRows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def key_at(self, row: int) -> str | None:
        if self.rows is None or not 0 <= row < self.rows.count:
            return None
        return str(self.rows.keys[row]) or None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.rows is None else self.rows.count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and TIPS[section]:
            return TIPS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rows = self.rows
        if rows is None:
            return None
        row, col = index.row(), index.column()
        never = bool(np.isnat(rows.login[row]))
        if role == Qt.ItemDataRole.DisplayRole:
            if col < 4:
                return str(rows.text[col][row])
            if col == 4:
                return NEVER if never else str(rows.login[row])
            days = rows.days[row]
            return "" if np.isnan(days) else f"{days:,.0f}"
        if role == SORT_ROLE:
            if col < 4:
                return str(rows.text[col][row])
            if col == 4:  # never = the oldest login
                return -np.inf if never else float(rows.login[row].astype(np.int64))
            days = rows.days[row]
            return np.inf if np.isnan(days) else float(days)  # never = the longest inactive
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 4 and never:
            font = QFont()
            font.setItalic(True)
            return font
        return None
