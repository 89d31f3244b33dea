"""Where the export dialog starts: the last folder used, and the filter the user is looking at.

A CSM exports their own book to the same folder week after week; starting in the home folder
with "every owner" made them redo both every time. The folder is a window preference
(`qsettings`, remembered after each successful export); the filter (owner, tier, segment,
selected account) comes from `my_book.MyBook.export_prefill` and is applied to the dialog's
lists once they are filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QComboBox

from cspm.core.book import UNASSIGNED

from .prefs import qsettings

FOLDER_KEY = "export/folder"


@dataclass(frozen=True)
class ExportPrefill:
    owner: str | None = None  # a name (UNASSIGNED has no export filter: not pre-filled)
    tier: str | None = None
    segment: str | None = None
    account: str | None = None  # key of the account selected in the table


def documents_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def default_folder() -> Path:
    """The folder of the last export when it still exists, else Documents, else home."""
    saved = qsettings().value(FOLDER_KEY)
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    return documents_folder()


def remember_folder(folder: Path) -> None:
    qsettings().setValue(FOLDER_KEY, str(folder))


def select_data(combo: QComboBox, value: str | None) -> bool:
    """Select the item whose data is `value` ignoring case; False when there is none."""
    if not value or value == UNASSIGNED:
        return False
    fold = value.strip().casefold()
    for i in range(combo.count()):
        data = combo.itemData(i)
        if isinstance(data, str) and data.casefold() == fold:
            combo.setCurrentIndex(i)
            return True
    return False
