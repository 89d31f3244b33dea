"""The CSM's call on one renewal: a category, an expected amount, a reason; or back to the rules.

Saved in a worker as one undoable change (`service.forecast.set_forecast`); the dialog shows
the rules' category and why, and who made the current call, so overriding is a decision.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.money import MoneyFormat, full_one
from cspm.core.renewal_forecast import CATEGORIES
from cspm.service.context import AppContext
from cspm.service.forecast import set_forecast

from .busy import run, show_error

RULES = ""  # the category combo's "follow the rules" entry


class ForecastCallDialog(QDialog):
    """`saved()` once the call (or its removal) is stored."""

    saved = Signal()

    def __init__(
        self, ctx: AppContext, record: dict[str, Any], money: MoneyFormat, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.record = ctx, record
        name = record.get("name") or record["key"]
        self.setWindowTitle(f"Forecast: {name}, {record['quarter']}")
        rules = QLabel(
            f"Rules say <b>{record['default_category']}</b> ({record.get('category_reason')}); "
            f"{full_one(record['arr_up'], money)} up for renewal."
        )
        rules.setWordWrap(True)
        self.category = QComboBox()
        self.category.addItem(f"Rules' category ({record['default_category']})", RULES)
        for c in CATEGORIES:
            self.category.addItem(c, c)
        self.own_amount = QCheckBox("Expect a different amount:")
        self.amount = QDoubleSpinBox()
        self.amount.setRange(0, 1e12)
        self.amount.setDecimals(2)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setValue(float(record["arr_up"]))
        self.amount.setEnabled(False)
        self.own_amount.toggled.connect(self.amount.setEnabled)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why (needed for a call)")
        if record.get("overridden"):
            current = record.get("category")
            self.category.setCurrentIndex(max(0, self.category.findData(current)))
            amount = record.get("amount")
            if amount is not None and not math.isnan(amount) and amount != record["arr_up"]:
                self.own_amount.setChecked(True)
                self.amount.setValue(float(amount))
            self.reason.setText(str(record.get("override_reason") or ""))
        form = QFormLayout()
        form.addRow("Category:", self.category)
        form.addRow(self.own_amount, self.amount)
        form.addRow("Reason:", self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.clear_button = QPushButton("Back to the rules")
        self.clear_button.setEnabled(bool(record.get("overridden")))
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(rules)
        if record.get("overridden"):
            by = record.get("override_by") or "someone"
            layout.addWidget(QLabel(f"Current call by {by}: {record.get('override_reason')}"))
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        category = self.category.currentData() or None
        amount = self.amount.value() if self.own_amount.isChecked() else None
        if category is None and amount is None:
            self.clear()
            return
        self._run(category, amount, self.reason.text())

    def clear(self) -> None:
        self._run(None, None, "")

    def _run(self, category: str | None, amount: float | None, reason: str) -> None:
        self.buttons.setEnabled(False)
        run(
            self,
            _store,
            self.ctx,
            str(self.record["key"]),
            str(self.record["quarter"]),
            category,
            amount,
            reason,
            on_done=lambda _key: self._done(),
            on_error=self._failed,
        )

    def _done(self) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}")


def _store(
    ctx: AppContext,
    key: str,
    quarter: str,
    category: str | None,
    amount: float | None,
    reason: str,
) -> str:
    return set_forecast(ctx, key, quarter, category=category, amount=amount, reason=reason)
