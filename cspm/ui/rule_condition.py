"""One condition of a rule: field · operator · value editor · ✕.

The row offers only the operators the chosen field's type supports (`rule_ops`) and swaps the
value editor when the operator needs another kind of value. What the user typed survives
where it still means something: a scalar carries over between scalar editors, and each field
remembers its last operator and value, so picking a field by mistake and back loses nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QToolButton, QWidget

from .rule_fields import FIELD_ROLE, TYPE_ROLE, Shared, field_model
from .rule_ops import HISTORY_OPS, editor_kind, ops_for
from .rule_values import HistoryValue, ValueEditor, new_editor

# Kinds whose value is one scalar, so it means the same after an operator change (> 5 -> < 5).
SCALAR_KINDS = ("text", "number", "history", "history_pct")
HISTORY_OP_NAMES = frozenset(dict(HISTORY_OPS))


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
        self.field_combo.setModel(
            field_model(shared.catalog, node.get("field") if node else None, self, shared.labels)
        )
        self.field_combo.setCurrentIndex(-1)
        self.op_combo = QComboBox()
        self.op_combo.setMinimumWidth(140)
        self.value_box = QHBoxLayout()
        self.value_box.setContentsMargins(0, 0, 0, 0)
        self.value_box.addStretch(1)
        self.editor: ValueEditor | None = None
        self._editor_key: tuple[str | None, str | None] | None = None
        self._shown_field: str | None = None  # the field the op list and editor were made for
        self._memory: dict[str, dict[str, Any]] = {}  # field -> its last op/value (JSON)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
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
        self._shown_field = self.field()
        # A stored rule may hold an op the list does not offer: show it; the service judges it.
        self._fill_ops(str(node.get("op") or ""), allow_unknown=True)
        self._make_editor()
        self._restore(node)

    def _restore(self, node: dict[str, Any]) -> None:
        if self.editor is not None and "value" in node:
            self.editor.set_value(node["value"])
        if isinstance(self.editor, HistoryValue) and node.get("since_days") is not None:
            self.editor.set_since_days(node["since_days"])

    def _fill_ops(self, keep: str | None, *, allow_unknown: bool = False) -> None:
        """The field type's operators, with `keep` selected when it is one of them.

        Only a loaded rule may add an operator the type does not offer; after a field change
        such an operator would be one that cannot work on the new field.
        """
        ops = ops_for(self.field_type()) if self.field() else []
        if not self.shared.history:  # a contact rule: contacts have no snapshots
            ops = [(op, label) for op, label in ops if op not in HISTORY_OP_NAMES]
        if allow_unknown and keep and keep not in dict(ops) and self.field():
            ops = [*ops, (keep, keep)]
        self.op_combo.blockSignals(True)
        self.op_combo.clear()
        for op, label in ops:
            self.op_combo.addItem(label, op)
            self.op_combo.setItemData(self.op_combo.count() - 1, op, Qt.ItemDataRole.ToolTipRole)
        index = self.op_combo.findData(keep) if keep else -1
        self.op_combo.setCurrentIndex(index if index >= 0 else (0 if ops else -1))
        self.op_combo.blockSignals(False)

    def _field_changed(self) -> None:
        if self._shown_field:
            self._memory[self._shown_field] = self._state()
        self._shown_field = self.field()
        remembered = self._memory.get(self.field() or "")
        if remembered is not None:  # back to a field chosen before: as it was left
            self._fill_ops(remembered.get("op"))
            self._make_editor(keep=False)
            self._restore(remembered)
        else:
            self._fill_ops(self.op())
            self._make_editor(keep=False)
        self.changed.emit()

    def _op_changed(self) -> None:
        self._make_editor()
        self.changed.emit()

    def _make_editor(self, keep: bool = True) -> None:
        """Swap the value editor when the kind (or, for dropdowns, the field) differs.

        With `keep`, a scalar value carries into a scalar editor; a list (is one of, between)
        does not, because written into a single-value editor it would be '[1, 2]'.
        """
        field, ftype, op = self.field(), self.field_type(), self.op()
        kind = editor_kind(ftype, op) if field and op else None
        key = (kind, field if kind in ("text", "list") else None)
        if self.editor is not None and self._editor_key == key:
            return
        old = self._state() if keep and self.editor is not None else {}
        if self.editor is not None:
            self.value_box.removeWidget(self.editor)
            self.editor.deleteLater()
        self.editor = new_editor(kind, self.shared, str(field), ftype)
        self._editor_key = key
        if self.editor is None:
            return
        if kind in SCALAR_KINDS and not isinstance(old.get("value"), list | None):
            self.editor.set_value(old["value"])
        if isinstance(self.editor, HistoryValue) and old.get("since_days") is not None:
            self.editor.set_since_days(old["since_days"])
        self.editor.changed.connect(self.changed)
        self.value_box.insertWidget(0, self.editor)

    def _state(self) -> dict[str, Any]:
        """Op and value as shown, JSON-ready (the part of `to_json` after the field)."""
        node: dict[str, Any] = {}
        if self.op():
            node["op"] = self.op()
        if self.editor is not None:
            node["value"] = self.editor.value()
            if isinstance(self.editor, HistoryValue) and self.editor.since_days() is not None:
                node["since_days"] = self.editor.since_days()
        return node

    def to_json(self) -> dict[str, Any]:
        # field None: the service asks for one
        return {"field": self.field(), **self._state()}

    def mark(self, message: str | None) -> None:
        """Outline the row in red with the service's message as tooltip (None clears it)."""
        self.setStyleSheet(
            "QFrame#condition { border: 2px solid #c62828; border-radius: 4px; }" if message else ""
        )
        self.setToolTip(message or "")
