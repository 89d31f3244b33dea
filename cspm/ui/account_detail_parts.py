"""Small pieces the account detail is built from: how a value reads, and a label widget.

Kept apart from the dialog so the health, tasks and fields sections share them without
importing each other.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel

from cspm.core.field_labels import is_percent, percent_text
from cspm.core.fields import BOOL_FIELDS, CANONICAL_FIELDS, FieldType
from cspm.core.money import USD, MoneyFormat, full_one

MONEY_FIELDS = {f.name for f in CANONICAL_FIELDS if f.type == FieldType.MONEY}
TIER_SOURCES = {
    "override": "set by hand",
    "imported": "from the imported file",
    "arr_band": "from its ARR band",
    "none": "no ARR",
}


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA-free floats
    except (TypeError, ValueError):
        return False


def format_value(name: str, value: Any, money: MoneyFormat = USD, note: str = "") -> str:
    """A field's value as the detail shows it; amounts in the portfolio currency, followed by
    `note` (the amount as the file had it) when there is one. Yes/no fields read Yes or No
    (stored as 1/0 they would read "1"); missing reads "—"."""
    if note:
        shown = format_value(name, value, money)
        return note if shown == "—" else f"{shown}  ·  {note}"
    if _is_missing(value):
        return "—"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Yes" if value else "No"
    if name in BOOL_FIELDS and hasattr(value, "__float__"):  # 1/0 as int, float or numpy
        return "Yes" if float(value) else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) or hasattr(value, "__float__"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isnan(number):
            return "—"
        if name in MONEY_FIELDS:
            return full_one(number, money)
        if is_percent(name):  # a share or a trend stored as a fraction: 0.45 reads 45%
            return percent_text(number)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    return str(value)


def pretty_component(component: str) -> str:
    """A health component's name in words ("mau_trend" -> "MAU trend")."""
    text = component.replace("_", " ").capitalize()
    return text.replace("Mau", "MAU").replace("Nps", "NPS").replace("utilization", "utilisation")


def make_label(text: str, *, bold: bool = False, muted: bool = False, wrap: bool = True) -> QLabel:
    """A selectable label; muted ones use the palette's placeholder colour, readable on light
    and dark palettes alike."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label
