"""The rule builder: nested all/any groups of conditions, with a live count while editing.

The dialog knows the rule language only through the service: field types come from
`field_catalog`, dropdown values from `field_values`, and every edit is checked by
`preview_rule` (debounced, in a worker), whose message is shown inline. Save stays disabled
until the service has accepted exactly the rule on screen. Saving itself is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.fields import CANONICAL_FIELDS
from cspm.service.context import AppContext
from cspm.service.segments import field_catalog, field_values, preview_rule

from .busy import run

DEBOUNCE_MS = 250
FIELD_ROLE = Qt.ItemDataRole.UserRole
TYPE_ROLE = Qt.ItemDataRole.UserRole + 1

# Computed fields (the service's catalogue has them after the canonical ones); labels for the UI.
DERIVED_LABELS = {
    "tier": "Tier",
    "lifecycle_stage": "Lifecycle stage",
    "health_score": "Health score",
    "seat_utilization": "Seat utilization (0–1)",
    "days_to_renewal": "Days to renewal",
    "days_since_last_interaction": "Days since last interaction",
    "arr_change_pct": "ARR change % (vs previous import)",
}
CANONICAL_LABELS = {f.name: f.label for f in CANONICAL_FIELDS}
NUMERIC = ("number", "money", "score")
EMPTY_OPS = [("is_empty", "is empty"), ("is_not_empty", "is not empty")]
HISTORY_OPS = [
    ("dropped_by", "dropped by"),
    ("rose_by", "rose by"),
    ("dropped_by_pct", "dropped by %"),
    ("rose_by_pct", "rose by %"),
]
OPS = {
    "text": [
        ("=", "is"),
        ("!=", "is not"),
        ("in", "is one of"),
        ("not_in", "is none of"),
        ("contains", "contains"),
        *EMPTY_OPS,
    ],
    "number": [
        ("=", "="),
        ("!=", "≠"),
        (">", ">"),
        (">=", "≥"),
        ("<", "<"),
        ("<=", "≤"),
        ("between", "between"),
        *EMPTY_OPS,
        *HISTORY_OPS,
        ("in", "is one of"),
        ("not_in", "is none of"),
    ],
    "date": [
        ("within_next_days", "in the next"),
        ("within_last_days", "in the last"),
        ("older_than_days", "more than … ago"),
        ("before", "before"),
        ("after", "after"),
        *EMPTY_OPS,
    ],
    "bool": [("=", "is"), ("!=", "is not"), *EMPTY_OPS],
}
_PATH_STEP = re.compile(r"(all|any)\[(\d+)\]|not")
_AT = re.compile(r"\s*\(at ([^)]*)\)\s*$")


def ops_for(ftype: str) -> list[tuple[str, str]]:
    return OPS["number" if ftype in NUMERIC else ftype if ftype in OPS else "text"]


def editor_kind(ftype: str, op: str) -> str | None:
    if op in ("is_empty", "is_not_empty"):
        return None
    if op in dict(HISTORY_OPS):
        return "history"
    if op in ("within_next_days", "within_last_days", "older_than_days"):
        return "days"
    if op in ("before", "after"):
        return "date"
    if op == "between":
        return "between"
    if op in ("in", "not_in"):
        return "list"
    if ftype == "bool":
        return "bool"
    return "number" if ftype in NUMERIC else "text"


def parse_number(text: str) -> float | None:
    """'1,200,000', '$1.2M', '250k', '12%' -> a number; None when it is not one."""
    s = text.strip().replace(",", "").replace("$", "").replace("%", "").replace(" ", "")
    scale = 1.0
    if s[-1:].lower() in ("k", "m", "b"):
        scale = {"k": 1e3, "m": 1e6, "b": 1e9}[s[-1].lower()]
        s = s[:-1]
    try:
        value = float(s) * scale
    except ValueError:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def compact_money(amount: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(amount) >= limit:
            return f"${amount / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"${amount:,.0f}"


def count_text(count: int, arr: float) -> str:
    return f"{count:,} account{'' if count == 1 else 's'} · {compact_money(arr)} ARR"


class Shared(QObject):
    """What every row needs: the context, the field catalogue and a cache of field values."""

    values_loaded = Signal(str, list)
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalog: dict[str, str] = {}
        self.values: dict[str, list[str]] = {}
        self._asked: set[str] = set()

    def request_values(self, field: str) -> None:
        if field in self.values:
            self.values_loaded.emit(field, self.values[field])
        elif field not in self._asked:
            self._asked.add(field)
            run(self, field_values, self.ctx, field, on_done=partial(self._loaded, field))

    def _loaded(self, field: str, values: list[str]) -> None:
        self.values[field] = values
        self.values_loaded.emit(field, values)


# ---- value editors: value() is JSON-ready (None when missing), set_value() takes JSON ----


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


class TextValue(QComboBox):
    changed = Signal()

    def __init__(self, shared: Shared, field: str) -> None:
        super().__init__()
        self.field = field
        self.setEditable(True)
        self.setMinimumWidth(160)
        self.lineEdit().setPlaceholderText("value")
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
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.low, self.high = NumberEdit("from"), NumberEdit("to")
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
    changed = Signal()

    def __init__(self, suffix: str = " days") -> None:
        super().__init__()
        self.setRange(0, 36_500)
        self.setValue(30)
        self.setSuffix(suffix)
        self.valueChanged.connect(self.changed)

    def value(self) -> Any:  # type: ignore[override]
        return super().value()

    def set_value(self, v: Any) -> None:
        if isinstance(v, int | float):
            self.setValue(int(v))


class BoolValue(QComboBox):
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

    def __init__(self, shared: Shared, field: str, numeric: bool) -> None:
        super().__init__()
        self.numeric = numeric
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.entry: QComboBox | NumberEdit
        if numeric:
            self.entry = NumberEdit("add a number")
            self.entry.returnPressed.connect(self.add_current)
        else:
            self.entry = TextValue(shared, field)
            self.entry.lineEdit().returnPressed.connect(self.add_current)
        self.add_button = QToolButton(text="Add")
        self.add_button.clicked.connect(self.add_current)
        self.items = QListWidget()
        self.items.setFlow(QListWidget.Flow.LeftToRight)
        self.items.setWrapping(True)
        self.items.setFixedHeight(30)
        self.items.setMinimumWidth(160)
        self.items.setSpacing(2)
        self.remove_button = QToolButton(text="Remove")
        self.remove_button.setToolTip("Remove the selected value from the list")
        self.remove_button.clicked.connect(self.remove_selected)
        for w in (self.entry, self.add_button, self.items, self.remove_button):
            lay.addWidget(w)

    def add_current(self) -> None:
        text = self.entry.text() if isinstance(self.entry, NumberEdit) else self.entry.currentText()
        text = text.strip()
        if not text or (self.numeric and parse_number(text) is None):
            return
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
        return [parse_number(t) for t in texts] if self.numeric else texts

    def set_value(self, v: Any) -> None:
        self.items.clear()
        for x in v if isinstance(v, list) else []:
            self.items.addItem(format_number(x) if isinstance(x, int | float) else str(x))


class HistoryValue(QWidget):
    """dropped_by / rose_by (…_pct): an amount, and since when ('previous import' or N days)."""

    changed = Signal()

    def __init__(self, pct: bool) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
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
        lay.addWidget(QLabel("since"))
        lay.addWidget(self.since)
        self.amount.changed.connect(self.changed)
        self.since.valueChanged.connect(self.changed)

    def value(self) -> Any:
        return self.amount.value()

    def since_days(self) -> int | None:
        return self.since.value() or None

    def set_value(self, v: Any) -> None:
        self.amount.set_value(v)


# ---- the tree ----


class ConditionRow(QFrame):
    """field · operator · value editor · ✕"""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, shared: Shared, node: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.shared = shared
        self.setObjectName("condition")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        self.field_combo = QComboBox()
        self.field_combo.setMinimumWidth(220)
        self.field_combo.setMaxVisibleItems(20)
        self.field_combo.setPlaceholderText("Choose a field…")
        self.field_combo.setModel(self._field_model(node))
        self.field_combo.setCurrentIndex(-1)
        self.op_combo = QComboBox()
        self.op_combo.setMinimumWidth(140)
        self.value_box = QHBoxLayout()
        self.value_box.setContentsMargins(0, 0, 0, 0)
        self.value_box.addStretch(1)
        self.editor: Any = None
        self.remove_button = QToolButton(text="✕")
        self.remove_button.setToolTip("Remove this condition")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        lay.addWidget(self.field_combo)
        lay.addWidget(self.op_combo)
        lay.addLayout(self.value_box, 1)
        lay.addWidget(self.remove_button)
        if node is not None:
            self._load(node)
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self.op_combo.currentIndexChanged.connect(self._op_changed)

    def _field_model(self, node: dict[str, Any] | None) -> QStandardItemModel:
        catalog = dict(self.shared.catalog)
        wanted = node.get("field") if node else None
        if isinstance(wanted, str) and wanted and wanted not in catalog:
            catalog[wanted] = "?"
        groups: dict[str, list[tuple[str, str, str]]] = {
            "Account fields": [],
            "Computed": [],
            "Custom fields": [],
        }
        for name, ftype in catalog.items():
            if name in DERIVED_LABELS:
                groups["Computed"].append((DERIVED_LABELS[name], name, ftype))
            elif name in CANONICAL_LABELS:
                groups["Account fields"].append((CANONICAL_LABELS[name], name, ftype))
            else:
                label = name if ftype != "?" else f"{name} (not in the data)"
                groups["Custom fields"].append((label, name, ftype))
        model = QStandardItemModel(self)
        bold = QFont()
        bold.setBold(True)
        for title, entries in groups.items():
            if not entries:
                continue
            header = QStandardItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setFont(bold)
            model.appendRow(header)
            for label, name, ftype in entries:
                item = QStandardItem(label)
                item.setData(name, FIELD_ROLE)
                item.setData(ftype, TYPE_ROLE)
                item.setToolTip(f"{name} · {ftype}")
                model.appendRow(item)
        return model

    def field(self) -> str | None:
        return self.field_combo.currentData(FIELD_ROLE)

    def field_type(self) -> str:
        return self.field_combo.currentData(TYPE_ROLE) or "text"

    def op(self) -> str | None:
        return self.op_combo.currentData()

    def select_field(self, name: str) -> None:
        self.field_combo.setCurrentIndex(self.field_combo.findData(name, FIELD_ROLE))

    def select_op(self, op: str) -> None:
        self.op_combo.setCurrentIndex(self.op_combo.findData(op))

    def _load(self, node: dict[str, Any]) -> None:
        self.select_field(str(node.get("field") or ""))
        self._fill_ops(str(node.get("op") or ""))
        self._make_editor()
        if self.editor is not None and "value" in node:
            self.editor.set_value(node["value"])
        if isinstance(self.editor, HistoryValue) and node.get("since_days") is not None:
            self.editor.since.setValue(int(node["since_days"]))

    def _fill_ops(self, keep: str | None) -> None:
        ops = ops_for(self.field_type()) if self.field() else []
        if keep and keep not in dict(ops) and self.field():
            ops = [*ops, (keep, keep)]  # an op the list does not offer; the service judges it
        self.op_combo.blockSignals(True)
        self.op_combo.clear()
        for op, label in ops:
            self.op_combo.addItem(label, op)
            self.op_combo.setItemData(self.op_combo.count() - 1, op, Qt.ItemDataRole.ToolTipRole)
        index = self.op_combo.findData(keep) if keep else -1
        self.op_combo.setCurrentIndex(index if index >= 0 else (0 if ops else -1))
        self.op_combo.blockSignals(False)

    def _field_changed(self) -> None:
        self._fill_ops(self.op())
        self._make_editor(keep=False)
        self.changed.emit()

    def _op_changed(self) -> None:
        self._make_editor()
        self.changed.emit()

    def _make_editor(self, keep: bool = True) -> None:
        field, ftype, op = self.field(), self.field_type(), self.op()
        kind = editor_kind(ftype, op) if field and op else None
        if op and op.endswith("_pct"):
            kind = "history_pct"
        key = (kind, field if kind in ("text", "list") else None)
        if self.editor is not None and getattr(self.editor, "key", None) == key:
            return
        old = self.editor.value() if keep and self.editor is not None else None
        if self.editor is not None:
            self.value_box.removeWidget(self.editor)
            self.editor.deleteLater()
        self.editor = self._new_editor(kind, str(field), ftype)
        if self.editor is not None:
            self.editor.key = key
            if old is not None and kind in ("text", "number", "history", "history_pct"):
                self.editor.set_value(old)
            self.editor.changed.connect(self.changed)
            self.value_box.insertWidget(0, self.editor)

    def _new_editor(self, kind: str | None, field: str, ftype: str) -> Any:
        if kind == "text":
            return TextValue(self.shared, field)
        if kind == "number":
            return NumberEdit("amount" if ftype == "money" else "number")
        if kind == "between":
            return BetweenValue()
        if kind == "list":
            return ListValue(self.shared, field, numeric=ftype in NUMERIC)
        if kind == "date":
            return DateValue(self.shared.ctx.today)
        if kind == "days":
            return DaysValue()
        if kind == "bool":
            return BoolValue()
        if kind in ("history", "history_pct"):
            return HistoryValue(pct=kind == "history_pct")
        return None

    def to_json(self) -> dict[str, Any]:
        node: dict[str, Any] = {"field": self.field()}  # None: the service asks for one
        if self.op():
            node["op"] = self.op()
        if self.editor is not None:
            node["value"] = self.editor.value()
            if isinstance(self.editor, HistoryValue) and self.editor.since_days() is not None:
                node["since_days"] = self.editor.since_days()
        return node

    def mark(self, message: str | None) -> None:
        self.setStyleSheet(
            "QFrame#condition { border: 2px solid #c62828; border-radius: 4px; }" if message else ""
        )
        self.setToolTip(message or "")


class GroupWidget(QFrame):
    """A group: 'all' or 'any' of its children, optionally negated."""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, shared: Shared, depth: int = 0, node: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.shared, self.depth = shared, depth
        self.setObjectName("group")
        tint = ("#f7f9fc", "#eef3fa", "#e5edf7")[depth % 3]
        self.setStyleSheet(
            f"QFrame#group {{ background: {tint}; border: 1px solid #c5cfdc; border-radius: 6px; }}"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 8)
        head = QHBoxLayout()
        self.not_check = QCheckBox("NOT")
        self.not_check.setToolTip("Match the accounts this group does NOT match")
        self.mode = QComboBox()
        self.mode.addItem("Match ALL of these", "all")
        self.mode.addItem("Match ANY of these", "any")
        self.add_condition_button = QToolButton(text="+ Condition")
        self.add_group_button = QToolButton(text="+ Group")
        self.remove_button = QToolButton(text="✕")
        self.remove_button.setToolTip("Remove this group")
        self.remove_button.setVisible(depth > 0)
        for w in (self.not_check, self.mode):
            head.addWidget(w)
        head.addStretch(1)
        for w in (self.add_condition_button, self.add_group_button, self.remove_button):
            head.addWidget(w)
        outer.addLayout(head)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(16, 0, 0, 0)
        self.body.setSpacing(4)
        outer.addLayout(self.body)
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button.clicked.connect(lambda: self.add_group())
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.not_check.toggled.connect(self.changed)
        self.mode.currentIndexChanged.connect(self.changed)
        if node is not None:
            self._load(node)

    def _load(self, node: dict[str, Any]) -> None:
        if "not" in node and isinstance(node["not"], dict):
            self.not_check.setChecked(True)
            node = node["not"]
        key = "any" if "any" in node else "all" if "all" in node else None
        if key is None:  # a bare condition (or a NOT of one) becomes the group's only child
            self.add_condition(node)
            return
        self.mode.setCurrentIndex(self.mode.findData(key))
        for child in node[key] if isinstance(node[key], list) else []:
            is_group = isinstance(child, dict) and any(k in child for k in ("all", "any", "not"))
            if is_group:
                self.add_group(child)
            else:
                self.add_condition(child if isinstance(child, dict) else {})

    def children_widgets(self) -> list[ConditionRow | GroupWidget]:
        out = []
        for i in range(self.body.count()):
            w = self.body.itemAt(i).widget()
            if isinstance(w, ConditionRow | GroupWidget):
                out.append(w)
        return out

    def conditions(self) -> list[ConditionRow]:
        """Every condition in this group and below, in order."""
        out: list[ConditionRow] = []
        for w in self.children_widgets():
            out.extend([w] if isinstance(w, ConditionRow) else w.conditions())
        return out

    def add_condition(self, node: dict[str, Any] | None = None) -> ConditionRow:
        row = ConditionRow(self.shared, node)
        return self._adopt(row)

    def add_group(self, node: dict[str, Any] | None = None) -> GroupWidget:
        group = GroupWidget(self.shared, self.depth + 1, node)
        if node is None:
            group.add_condition()
        return self._adopt(group)

    def _adopt(self, w: Any) -> Any:
        self.body.addWidget(w)
        w.changed.connect(self.changed)
        w.remove_requested.connect(self._remove)
        self.changed.emit()
        return w

    def _remove(self, w: QWidget) -> None:
        self.body.removeWidget(w)
        w.hide()
        w.deleteLater()
        self.changed.emit()

    def to_json(self) -> dict[str, Any]:
        node = {str(self.mode.currentData()): [c.to_json() for c in self.children_widgets()]}
        return {"not": node} if self.not_check.isChecked() else node

    def find(self, path: str) -> ConditionRow | GroupWidget | None:
        """The widget a service message's '(at all[1].any[0])' points to."""
        target: ConditionRow | GroupWidget = self
        for m in _PATH_STEP.finditer(path):
            if m.group(0) == "not" or not isinstance(target, GroupWidget):
                continue
            kids = target.children_widgets()
            i = int(m.group(2))
            if i >= len(kids):
                return None
            target = kids[i]
        return target


class RuleBuilderDialog(QDialog):
    """Edit a segment: name, description and rule; the live count says what it matches."""

    def __init__(
        self,
        ctx: AppContext,
        name: str = "",
        description: str = "",
        rule: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Segment" if not name else f"Segment — {name}")
        self.resize(900, 560)
        self.shared = Shared(ctx, self)
        self.root: GroupWidget | None = None
        self._initial_rule = rule
        self._seq = 0
        self._accepted_rule: dict[str, Any] | None = None  # the last rule the service accepted
        self._pending = False
        self.last_count: tuple[int, float] | None = None

        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("Segment name (required)")
        self.description_edit = QLineEdit(description)
        self.description_edit.setPlaceholderText("What this segment is for (optional)")
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Description", self.description_edit)

        self.tree_host = QWidget()
        self.tree_layout = QVBoxLayout(self.tree_host)
        self.tree_layout.setContentsMargins(0, 0, 0, 0)
        self.tree_layout.addWidget(QLabel("Loading fields…"))
        self.tree_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.tree_host)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.count_label = QLabel("")
        self.count_label.setObjectName("count")
        self.count_label.setWordWrap(True)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.buttons)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(scroll, 1)
        lay.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._preview)
        self.name_edit.textChanged.connect(self._update_save)
        run(self, field_catalog, ctx, on_done=self._catalog_loaded, on_error=self._catalog_failed)

    # -- results --
    def segment_name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def description(self) -> str:
        return self.description_edit.text().strip()

    def rule_json(self) -> dict[str, Any]:
        if self.root is None:
            return dict(self._initial_rule or {"all": []})
        return self.root.to_json()

    def is_ready(self) -> bool:
        """Fields loaded and the last preview matches the rule on screen."""
        return self.root is not None and not self._pending and not self._timer.isActive()

    # -- building --
    def _catalog_loaded(self, catalog: dict[str, str]) -> None:
        self.shared.catalog = catalog
        for i in reversed(range(self.tree_layout.count())):
            item = self.tree_layout.takeAt(i)
            if item.widget() is not None:
                item.widget().deleteLater()
        rule = self._initial_rule
        self.root = GroupWidget(self.shared, 0, rule if rule else None)
        if not rule:
            self.root.add_condition()
        self.root.changed.connect(self._schedule)
        self.tree_layout.addWidget(self.root)
        self.tree_layout.addStretch(1)
        self._preview()

    def _catalog_failed(self, exc: BaseException) -> None:
        self._show_message(str(exc) if isinstance(exc, CspmError) else repr(exc), error=True)

    # -- live count --
    def _schedule(self) -> None:
        self._pending = True
        self._update_save()
        self._timer.start()

    def _preview(self) -> None:
        self._seq += 1
        self._pending = True
        self._update_save()
        rule = self.rule_json()
        run(
            self,
            preview_rule,
            self.ctx,
            rule,
            on_done=partial(self._previewed, self._seq, rule),
            on_error=partial(self._preview_failed, self._seq),
        )

    def _previewed(self, seq: int, rule: dict[str, Any], result: tuple[int, float]) -> None:
        if seq != self._seq:
            return
        self._pending = False
        self._accepted_rule = rule
        self.last_count = result
        self._mark(None)
        self._show_message(count_text(*result), error=False)
        self._update_save()

    def _preview_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._pending = False
        self._accepted_rule = None
        self.last_count = None
        if not isinstance(exc, CspmError):
            self._show_message(f"Could not count the accounts: {exc!r}", error=True)
            self._update_save()
            return
        message = str(exc)
        at = _AT.search(message)
        text = _AT.sub("", message)
        text = text[:1].upper() + text[1:]
        self._mark(at.group(1) if at else None, text)
        self._show_message(text, error=True)
        self._update_save()

    def _mark(self, path: str | None, message: str = "") -> None:
        if self.root is None:
            return
        for row in self.root.conditions():
            row.mark(None)
        if path:
            target = self.root.find(path)
            if isinstance(target, ConditionRow):
                target.mark(message)

    def _show_message(self, text: str, *, error: bool) -> None:
        colour = "#c62828" if error else "#1b5e20"
        self.count_label.setStyleSheet(f"QLabel#count {{ color: {colour}; font-weight: 600; }}")
        self.count_label.setText(text)

    def _update_save(self) -> None:
        ok = (
            self.root is not None
            and not self._pending
            and self._accepted_rule is not None
            and self._accepted_rule == self.rule_json()
            and bool(self.segment_name())
        )
        self.save_button.setEnabled(ok)
        self.save_button.setToolTip("" if ok else "Give the segment a name and a complete rule")


def open_rule_builder(
    parent: QWidget,
    ctx: AppContext,
    on_accept: Callable[[RuleBuilderDialog], None],
    name: str = "",
    description: str = "",
    rule: dict[str, Any] | None = None,
) -> RuleBuilderDialog:
    """Show the dialog window-modally without blocking (open(), not exec())."""
    dialog = RuleBuilderDialog(ctx, name, description, rule, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: on_accept(dialog))
    dialog.open()
    return dialog
