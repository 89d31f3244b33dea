"""A group of a rule: 'all' or 'any' of its children (conditions and groups), maybe negated.

Groups nest to any depth; each level is tinted a little darker so the nesting reads at a
glance. `find` maps a service message's path ('(at all[1].any[0])') back to the widget it
means, which is how the dialog outlines the faulty condition.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .rule_condition import ConditionRow
from .rule_fields import Shared

_PATH_STEP = re.compile(r"(all|any)\[(\d+)\]|not")


class GroupWidget(QFrame):
    """A group: 'all' or 'any' of its children, optionally negated."""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, shared: Shared, depth: int = 0, node: dict[str, Any] | None = None) -> None:
        super().__init__()
        # not `self.depth`: that would shadow QPaintDevice.depth() (the colour depth)
        self.shared, self.level = shared, depth
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
        self.add_condition_button = QToolButton()
        self.add_condition_button.setText("+ Condition")
        self.add_group_button = QToolButton()
        self.add_group_button.setText("+ Group")
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this group")
        self.remove_button.setVisible(depth > 0)
        for w in (self.not_check, self.mode):
            head.addWidget(w)
        head.addStretch(1)
        for button in (self.add_condition_button, self.add_group_button, self.remove_button):
            head.addWidget(button)
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
        if key is None:
            if isinstance(node.get("not"), dict):  # NOT of a NOT: the inner one is a group
                self.add_group(node)
            else:  # a bare condition becomes the group's only child
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
            item = self.body.itemAt(i)
            assert item is not None  # i < count(), so the item exists
            w = item.widget()
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
        group = GroupWidget(self.shared, self.level + 1, node)
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

    def find_path(self, path: str) -> ConditionRow | GroupWidget | None:
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
