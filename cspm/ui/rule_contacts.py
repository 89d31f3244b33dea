"""The rule builder's "Count contacts" mode: what a segment counts, and the threshold per account.

In the default mode the rule's rows are account conditions. In "Contacts" mode the same rows are
conditions on each contact (role, last login, e-mail domain...) and the segment's members are
the accounts with at least N such contacts, or at least X% of their contacts; the rule is then
`{"over": "contacts", "where": <the rows>, "at_least": N | "at_least_pct": X}`
(`cspm.core.rules.contact_count`). A rule that mixes both inside groups is written with
`cspm segments edit`; the builder says so instead of showing half of it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

ACCOUNTS, CONTACTS = "accounts", "contacts"
EVERY_CONTACT: dict[str, Any] = {"all": []}


def is_contact_rule(rule: dict[str, Any] | None) -> bool:
    """A rule the builder shows in "Contacts" mode (the contacts condition is the whole rule)."""
    return isinstance(rule, dict) and rule.get("over") == CONTACTS


def mixes_contacts(rule: object) -> bool:
    """A contacts condition inside a group: the builder cannot show it."""
    if isinstance(rule, dict):
        if is_contact_rule(rule):
            return False
        return any(_nested(v) for v in rule.values())
    return False


def _nested(node: object) -> bool:
    if isinstance(node, dict):
        return "over" in node or any(_nested(v) for v in node.values())
    if isinstance(node, list):
        return any(_nested(v) for v in node)
    return False


class CountBar(QWidget):
    """Count: [Accounts | Contacts] and, for contacts, "at least [N] [contacts | %] matching"."""

    mode_changed = Signal(str)  # ACCOUNTS or CONTACTS, when the user switches
    changed = Signal()  # the threshold changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox()
        self.mode.addItem("Accounts", ACCOUNTS)
        self.mode.addItem("Contacts (counted per account)", CONTACTS)
        self.mode.setToolTip(
            "Contacts: the conditions are on each contact (role, last login...); the segment "
            "holds the accounts with enough matching contacts"
        )
        self.amount = QSpinBox()
        self.amount.setRange(1, 100_000)
        self.amount.setValue(1)
        self.unit = QComboBox()
        self.unit.addItem("contacts", "at_least")
        self.unit.addItem("% of their contacts", "at_least_pct")
        self.lead = QLabel("Accounts with at least")
        self.tail = QLabel("matching the conditions below")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mode)
        row.addSpacing(12)
        for w in (self.lead, self.amount, self.unit, self.tail):
            row.addWidget(w)
        row.addStretch(1)
        self._show_threshold(False)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.amount.valueChanged.connect(lambda _v: self.changed.emit())
        self.unit.currentIndexChanged.connect(self._unit_changed)

    def counts_contacts(self) -> bool:
        return self.mode.currentData() == CONTACTS

    def _show_threshold(self, on: bool) -> None:
        for w in (self.lead, self.amount, self.unit, self.tail):
            w.setVisible(on)

    def _mode_changed(self, _index: int) -> None:
        self._show_threshold(self.counts_contacts())
        self.mode_changed.emit(self.mode.currentData())

    def _unit_changed(self, _index: int) -> None:
        self.amount.setMaximum(100 if self.unit.currentData() == "at_least_pct" else 100_000)
        self.changed.emit()

    def load(self, rule: dict[str, Any] | None) -> dict[str, Any] | None:
        """Show `rule`'s mode and threshold (without signals); the rows' part of it."""
        for w in (self.mode, self.amount, self.unit):
            w.blockSignals(True)
        try:
            if not is_contact_rule(rule):
                self.mode.setCurrentIndex(0)
                self._show_threshold(False)
                return rule
            assert rule is not None
            self.mode.setCurrentIndex(1)
            pct = rule.get("at_least_pct")
            self.unit.setCurrentIndex(1 if pct is not None else 0)
            self.amount.setMaximum(100 if pct is not None else 100_000)
            value = pct if pct is not None else rule.get("at_least", 1)
            self.amount.setValue(int(value) if isinstance(value, int | float) else 1)
            self._show_threshold(True)
            where = rule.get("where")
            return where if isinstance(where, dict) else dict(EVERY_CONTACT)
        finally:
            for w in (self.mode, self.amount, self.unit):
                w.blockSignals(False)

    def wrap(self, rows: dict[str, Any]) -> dict[str, Any]:
        """The segment's rule from the rows' JSON (unchanged in "Accounts" mode)."""
        if not self.counts_contacts():
            return rows
        rule: dict[str, Any] = {"over": CONTACTS, "where": rows}
        rule[str(self.unit.currentData())] = self.amount.value()
        return rule
