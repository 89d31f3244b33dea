"""Value editors, one per kind of value a condition can take.

Every editor has the same small protocol, so a condition row can swap them freely:
`value()` is JSON-ready (None while nothing usable is entered, so the service says what is
missing), `set_value(v)` takes JSON, and the `changed` signal fires on every edit.
`new_editor` picks the editor for a kind from `rule_ops.editor_kind`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QToolButton,
    QWidget,
)

from cspm.core.field_labels import is_percent

from .rule_fields import Shared
from .rule_numbers import format_fraction, format_number, parse_fraction, parse_number
from .rule_ops import NUMERIC


class NumberEdit(QLineEdit):
    """A number with thousands separators; accepts 1.2M, 250k, $5,000."""

    changed = Signal()

    def __init__(self, placeholder: str = "number") -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setMinimumWidth(110)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self.changed)
        self.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        v = parse_number(self.text()) if self.text().strip() else None
        if v is not None:
            self.setText(format_number(v))

    def value(self) -> Any:
        if not self.text().strip():
            return None
        v = parse_number(self.text())
        return self.text().strip() if v is None else v  # the service names a bad text

    def set_value(self, v: Any) -> None:
        self.setText(format_number(v) if isinstance(v, int | float) else str(v or ""))


class PercentEdit(NumberEdit):
    """A share or a trend, shown and typed as a percent ('30%' or '0.3'); the value is the
    stored fraction (0.3), which is what the rule language compares."""

    def __init__(self, placeholder: str = "percent, e.g. 30%") -> None:
        super().__init__(placeholder)
        self.setToolTip("Type 30% or 0.3 (both mean 30%)")

    def _tidy(self) -> None:
        v = parse_fraction(self.text()) if self.text().strip() else None
        if v is not None:
            self.setText(format_fraction(v))

    def value(self) -> Any:
        if not self.text().strip():
            return None
        v = parse_fraction(self.text())
        return self.text().strip() if v is None else v

    def set_value(self, v: Any) -> None:
        self.setText(format_fraction(v) if isinstance(v, int | float) else str(v or ""))


class TextValue(QComboBox):
    """Free text with a dropdown of the field's existing values (loaded once per dialog)."""

    changed = Signal()

    def __init__(self, shared: Shared, field: str) -> None:
        super().__init__()
        self.field = field
        self.setEditable(True)
        self.setMinimumWidth(160)
        line_edit = self.lineEdit()
        assert line_edit is not None  # an editable combo box always has one
        line_edit.setPlaceholderText("value")
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.editTextChanged.connect(self.changed)
        shared.values_loaded.connect(self._fill)
        shared.request_values(field)

    def _fill(self, field: str, values: list[str]) -> None:
        if field != self.field:
            return
        text = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(values)
        self.setEditText(text)
        self.blockSignals(False)

    def value(self) -> Any:
        return self.currentText().strip() or None

    def set_value(self, v: Any) -> None:
        self.setEditText("" if v is None else str(v))


class BetweenValue(QWidget):
    """Two numbers, [from, to]; one side left empty gives [x, None] so the service objects."""

    changed = Signal()

    def __init__(self, percent: bool = False) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        edit = PercentEdit if percent else NumberEdit
        self.low, self.high = edit("from"), edit("to")
        lay.addWidget(self.low)
        lay.addWidget(QLabel("and"))
        lay.addWidget(self.high)
        self.low.changed.connect(self.changed)
        self.high.changed.connect(self.changed)

    def value(self) -> Any:
        low, high = self.low.value(), self.high.value()
        return None if low is None and high is None else [low, high]

    def set_value(self, v: Any) -> None:
        if isinstance(v, list) and len(v) == 2:
            self.low.set_value(v[0])
            self.high.set_value(v[1])


class DateValue(QDateEdit):
    """An ISO date with a calendar popup, starting at the context's today."""

    changed = Signal()

    def __init__(self, today: dt.date) -> None:
        super().__init__(QDate(today.year, today.month, today.day))
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.dateChanged.connect(self.changed)

    def value(self) -> Any:
        return self.date().toString("yyyy-MM-dd")

    def set_value(self, v: Any) -> None:
        d = QDate.fromString(str(v), "yyyy-MM-dd")
        if d.isValid():
            self.setDate(d)


class DaysValue(QSpinBox):
    """A whole number of days for relative dates ('in the next 30 days').

    A spin box keeps its last value while its text is erased; the rule must not: an empty
    box is None (the service asks for a value) until the box has a number again.
    """

    changed = Signal()

    def __init__(self, suffix: str = " days") -> None:
        super().__init__()
        self.setRange(0, 36_500)
        self.setValue(30)
        self.setSuffix(suffix)
        self.lineEdit().textChanged.connect(self.changed)  # also on erasing: no value change

    def value(self) -> Any:
        return super().value() if self.cleanText().strip() else None

    def set_value(self, v: Any) -> None:
        if isinstance(v, int | float):
            self.setValue(int(v))


class BoolValue(QComboBox):
    """Yes / No for bool fields (JSON true / false)."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.addItem("Yes", True)
        self.addItem("No", False)
        self.currentIndexChanged.connect(self.changed)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, v: Any) -> None:
        self.setCurrentIndex(0 if v is True else 1 if v is False else 0)


class ListValue(QWidget):
    """Values for in / not_in: type or pick one, Add; select and ✕ to remove."""

    changed = Signal()

    def __init__(self, shared: Shared, field: str, numeric: bool, percent: bool = False) -> None:
        super().__init__()
        self.numeric = numeric
        self._parse = parse_fraction if percent else parse_number
        self._format = format_fraction if percent else format_number
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.entry: QComboBox | NumberEdit
        if numeric:
            self.entry = PercentEdit("add a percent") if percent else NumberEdit("add a number")
            self.entry.returnPressed.connect(self.add_current)
        else:
            self.entry = TextValue(shared, field)
            line_edit = self.entry.lineEdit()
            assert line_edit is not None  # TextValue is an editable combo box
            line_edit.returnPressed.connect(self.add_current)
        self.add_button = QToolButton()
        self.add_button.setText("Add")
        self.add_button.clicked.connect(self.add_current)
        self.items = QListWidget()
        self.items.setFlow(QListWidget.Flow.LeftToRight)
        self.items.setWrapping(True)
        self.items.setFixedHeight(30)
        self.items.setMinimumWidth(160)
        self.items.setSpacing(2)
        self.remove_button = QToolButton()
        self.remove_button.setText("Remove")
        self.remove_button.setToolTip("Remove the selected value from the list")
        self.remove_button.clicked.connect(self.remove_selected)
        for w in (self.entry, self.add_button, self.items, self.remove_button):
            lay.addWidget(w)

    def add_current(self) -> None:
        text = self.entry.text() if isinstance(self.entry, NumberEdit) else self.entry.currentText()
        text = text.strip()
        if not text or (self.numeric and self._parse(text) is None):
            return
        if self.numeric and self._format is format_fraction:  # "30" and "0.3" both read 30%
            text = format_fraction(self._parse(text))  # type: ignore[arg-type]
        if text not in self._texts():
            self.items.addItem(text)
        if isinstance(self.entry, NumberEdit):
            self.entry.clear()
        else:
            self.entry.setEditText("")
        self.changed.emit()

    def remove_selected(self) -> None:
        for item in self.items.selectedItems():
            self.items.takeItem(self.items.row(item))
        self.changed.emit()

    def _texts(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]

    def value(self) -> Any:
        texts = self._texts()
        if not texts:
            return None
        return [self._parse(t) for t in texts] if self.numeric else texts

    def set_value(self, v: Any) -> None:
        self.items.clear()
        for x in v if isinstance(v, list) else []:
            self.items.addItem(self._format(x) if isinstance(x, int | float) else str(x))


class HistoryValue(QWidget):
    """dropped_by / rose_by (…_pct): an amount, and since when ('previous import' or N days)."""

    changed = Signal()

    def __init__(self, pct: bool, points: bool = False) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # points: an absolute change of a share, typed as percentage points (10% -> 0.1)
        self.amount: NumberEdit
        if points:
            self.amount = PercentEdit("points, e.g. 10%")
        else:
            self.amount = NumberEdit("percent" if pct else "amount")
        self.since = QSpinBox()
        self.since.setRange(0, 3650)
        self.since.setSpecialValueText("the previous import")
        self.since.setPrefix("")
        self.since.setSuffix(" days ago")
        self.since.setMinimumWidth(150)
        self.since.setToolTip("Compare with the value this many days ago (0: the previous import)")
        lay.addWidget(self.amount)
        if pct:
            lay.addWidget(QLabel("%"))
        elif points:
            lay.addWidget(QLabel("points"))  # 30% -> 20% dropped by 10 points, not by 10%
        lay.addWidget(QLabel("since"))
        lay.addWidget(self.since)
        self.amount.changed.connect(self.changed)
        self.since.valueChanged.connect(self.changed)

    def value(self) -> Any:
        return self.amount.value()

    def since_days(self) -> int | None:
        """None means 'the previous import' (the spin box's 0), as the rule language has it."""
        return self.since.value() or None

    def set_since_days(self, days: Any) -> None:
        self.since.setValue(int(days) if isinstance(days, int | float) else 0)

    def set_value(self, v: Any) -> None:
        self.amount.set_value(v)


ValueEditor = (
    NumberEdit
    | TextValue
    | BetweenValue
    | DateValue
    | DaysValue
    | BoolValue
    | ListValue
    | HistoryValue
)


def new_editor(kind: str | None, shared: Shared, field: str, ftype: str) -> ValueEditor | None:
    """A fresh editor for `kind` (see `rule_ops.editor_kind`); None for value-less operators.

    A fraction field (a share, a trend) gets percent editors: shown and typed as 30%.
    """
    percent = is_percent(field)
    if kind == "text":
        return TextValue(shared, field)
    if kind == "number":
        return PercentEdit() if percent else NumberEdit("amount" if ftype == "money" else "number")
    if kind == "between":
        return BetweenValue(percent)
    if kind == "list":
        return ListValue(shared, field, numeric=ftype in NUMERIC, percent=percent)
    if kind == "date":
        return DateValue(shared.ctx.today)
    if kind == "days":
        return DaysValue()
    if kind == "bool":
        return BoolValue()
    if kind in ("history", "history_pct"):
        return HistoryValue(pct=kind == "history_pct", points=percent and kind == "history")
    return None
