"""Small helpers every import wizard page uses: how a message is said, how a cell is shown.

Kept apart from the pages so each page module holds one page, and so the look of an error
(red, selectable, one sentence, never a traceback) is decided in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from cspm.core.errors import CspmError


def message_of(exc: BaseException) -> str:
    """A sentence for the page: a CspmError already is one; anything else is named plainly."""
    if isinstance(exc, CspmError):
        return str(exc)
    return f"Something went wrong: {type(exc).__name__}: {exc}"


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    """Show `text` in a page's message label (red when an error); hide it when empty.

    Not an error: the palette's text colour, so it reads on a dark palette too."""
    label.setStyleSheet("color: #c62828; font-weight: 600;" if error else "")
    label.setText(text)
    label.setVisible(bool(text))


def message_label() -> QLabel:
    """The label a page says things in: wraps, selectable (to copy an error), hidden until used."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def cell_text(v: Any) -> str:
    """A cell as text: dates without a midnight time, empty cells as nothing."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)
