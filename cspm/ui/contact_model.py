"""The Contacts table's data and model: one row per contact, prepared in the worker.

`prepare_contacts` turns the service's contact list into display strings and float sort keys
(numpy arrays) without Qt, so the GUI thread only indexes arrays: 100,000 contacts reload
without formatting 100,000 rows on the GUI thread.
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


def _text(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), "").astype(str).to_numpy(dtype=object)


@dataclass(frozen=True)
class ContactRows:
    """What the model shows, per column: display strings and sort keys."""

    keys: np.ndarray  # account key per row
    text: tuple[np.ndarray, ...]  # one object array of strings per column
    sort: tuple[np.ndarray, ...]  # one array per column: casefolded text or float (NaN last)
    never: np.ndarray  # bool: no login recorded
    result: ContactList

    @property
    def count(self) -> int:
        return len(self.keys)


def prepare_contacts(result: ContactList) -> ContactRows:
    """Display strings and sort keys of a contact list (runs in the worker)."""
    f = result.frame
    logins = pd.to_datetime(f["last_login"])
    never = logins.isna().to_numpy(dtype=bool)
    login_text = np.where(never, NEVER, logins.dt.strftime("%Y-%m-%d").to_numpy(dtype=object))
    days = f["days_since_login"].to_numpy(dtype=float)
    days_text = np.array(["" if np.isnan(d) else f"{d:,.0f}" for d in days], dtype=object)
    columns = (
        _text(f["account_name"]),
        _text(f["name"]),
        _text(f["email"]),
        _text(f["role"]),
        login_text,
        days_text,
    )
    # a never-logged-in contact sorts as the longest inactive: after every real login age
    days_key = np.where(np.isnan(days), np.inf, days)
    login_key = np.where(never, -np.inf, logins.to_numpy(dtype="datetime64[ns]").astype(float))
    sort = (
        *(np.array([s.casefold() for s in c], dtype=object) for c in columns[:4]),
        login_key,
        days_key,
    )
    return ContactRows(_text(f["account_key"]), columns, sort, never, result)


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
        if self.rows is None:
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows.text[col][row]
        if role == SORT_ROLE:
            value = self.rows.sort[col][row]
            return float(value) if col >= 4 else value
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 4 and self.rows.never[row]:
            font = QFont()
            font.setItalic(True)
            return font
        return None
