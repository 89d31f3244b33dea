"""Settings tab part: the portfolio currency (how money is written) and the dated rate table.

Saved with the rest of Settings (Save / Revert); the service validates the whole table, so a
bad row saves nothing. A rate says what one unit of a currency is worth in the portfolio
currency from a date on; an import uses, per currency, the latest rate dated on or before its
as-of date (`cspm.core.currency`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cspm.core.money import KNOWN_SYMBOLS, MoneyFormat, compact_one, full_one
from cspm.core.settings import CurrencySettings, FxRate

from .setting_widgets import add_row, declared, fill_combo
from .settings_engagement import note

PLACEMENT_LABELS = [
    ("symbol_before", "Symbol before: $1,250"),
    ("symbol_after", "Symbol after: 1,250 €"),
    ("code_before", "Code before: USD 1,250"),
    ("code_after", "Code after: 1,250 USD"),
]
SEPARATOR_LABELS = [
    ("1,234.56", "1,234.56"),
    ("1.234,56", "1.234,56"),
    ("1 234,56", "1 234,56"),
]
EXAMPLE = 1_250_000.5


def _left(widget: QWidget) -> QHBoxLayout:
    """The widget at its natural width, at the left of a growing form row."""
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


class RateRow:
    """One rate's editors: currency code, rate, and the date it applies from."""

    def __init__(self, rate: FxRate | None, today: dt.date) -> None:
        self.code = QLineEdit(rate.currency if rate else "")
        self.code.setPlaceholderText("EUR")
        self.code.setMaxLength(3)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.000001, 1_000_000)
        self.rate.setDecimals(4)
        self.rate.setValue(rate.rate if rate else 1.0)
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        day = dt.date.fromisoformat(rate.effective) if rate else today
        self.effective = QDateEdit(QDate(day.year, day.month, day.day))
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")

    def value(self) -> FxRate:
        d = self.effective.date()
        day = dt.date(d.year(), d.month(), d.day())
        return FxRate(self.code.text().strip().upper(), float(self.rate.value()), day.isoformat())


class CurrencyEditor(QWidget):
    """The portfolio currency's code, symbol and format (with a live example) and the rates."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.saved = CurrencySettings()
        self.rows: list[RateRow] = []

        self.code = QLineEdit()
        self.code.setMaxLength(3)
        self.code.setPlaceholderText("USD")
        self.code.setMaximumWidth(80)
        self.symbol = QLineEdit()
        self.symbol.setMaxLength(5)
        self.symbol.setMaximumWidth(80)
        self.code.setToolTip(declared("currency.code").spec.help)
        self.symbol.setToolTip(declared("currency.symbol").spec.help)
        self.placement = fill_combo(QComboBox(), "currency.format", dict(PLACEMENT_LABELS))
        self.placement.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.separators = fill_combo(QComboBox(), "currency.separators", dict(SEPARATOR_LABELS))
        self.example = QLabel()
        self.example.setObjectName("currency-example")
        portfolio = QGroupBox("Portfolio currency")
        form = QFormLayout(portfolio)
        add_row(form, "currency.code", _left(self.code))
        add_row(form, "currency.symbol", _left(self.symbol))
        add_row(form, "currency.format", _left(self.placement))
        add_row(form, "currency.separators", _left(self.separators))
        form.addRow("Example", self.example)
        form.addRow(
            note(
                "Every amount in the window, the command line, task reasons, the workbook and "
                "the QBR pack is written this way. Tier minimums are in this currency. Set it "
                "before the first import: changing it later relabels the amounts already "
                "imported, it does not convert them."
            )
        )

        self.rate_table = QTableWidget(0, 3)
        self.rate_table.setHorizontalHeaderLabels(
            ["Currency", "1 unit is worth (portfolio currency)", "From"]
        )
        self.rate_table.verticalHeader().hide()
        self.rate_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rate_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._size_rate_columns()
        self.rate_table.setMinimumHeight(150)
        self.add_rate_button = QPushButton("Add rate")
        self.remove_rate_button = QPushButton("Remove rate")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_rate_button)
        buttons.addWidget(self.remove_rate_button)
        buttons.addStretch(1)
        rates = QGroupBox("Exchange rates")
        rates_lay = QVBoxLayout(rates)
        rates_lay.addWidget(self.rate_table)
        rates_lay.addLayout(buttons)
        rates_lay.addWidget(
            note(
                "An account's amounts (its Currency or CurrencyIsoCode column) are converted "
                "when a file is imported, at the latest rate dated on or before the file's "
                "as-of date; the account shows the original amount too. An account in a "
                "currency with no rate keeps its ARR in that currency, flagged, and is left out "
                "of every total until a rate is added and the file imported again."
            )
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(portfolio)
        layout.addWidget(rates)

        self.code.textEdited.connect(self._code_edited)
        for edit in (self.code, self.symbol):
            edit.textChanged.connect(self._update_example)
        for combo in (self.placement, self.separators):
            combo.currentIndexChanged.connect(self._update_example)
        self.add_rate_button.clicked.connect(self.add_rate)
        self.remove_rate_button.clicked.connect(self.remove_rate)

    def _size_rate_columns(self) -> None:
        """A code and a date get the width they need; the rate takes the rest (three equal
        columns left a three-letter code in a box a third of the window wide)."""
        header = self.rate_table.horizontalHeader()
        probe = RateRow(None, self.today)
        code_width = probe.code.fontMetrics().horizontalAdvance("WWWW") + 24
        for column, editor_width in ((0, code_width), (2, probe.effective.sizeHint().width())):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            width = max(header.sectionSizeHint(column), editor_width + 8)
            self.rate_table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    # -- loading and reading back --
    def load(self, currency: CurrencySettings) -> None:
        self.saved = currency
        self.code.setText(currency.code)
        self.symbol.setText(currency.symbol)
        self.placement.setCurrentIndex(self.placement.findData(currency.format))
        self.separators.setCurrentIndex(self.separators.findData(currency.separators))
        self.rate_table.setRowCount(0)
        self.rows = []
        for rate in currency.rates:
            self._add_row(RateRow(rate, self.today))
        self._update_example()

    def edited(self) -> CurrencySettings:
        """The currency on screen; the service checks it (codes, rates, duplicate dates)."""
        return dataclasses.replace(
            self.saved,
            code=self.code.text().strip().upper(),
            symbol=self.symbol.text().strip(),
            format=self.placement.currentData(),
            separators=self.separators.currentData(),
            rates=tuple(r.value() for r in self.rows if r.code.text().strip()),
        )

    def money(self) -> MoneyFormat:
        cur = self.edited()
        return MoneyFormat(cur.code or "USD", cur.symbol or "$", cur.format, cur.separators)

    # -- editing --
    @Slot(str)
    def _code_edited(self, text: str) -> None:
        """A new code brings its usual symbol, unless the symbol is one of the user's own."""
        code = text.strip().upper()
        symbol = self.symbol.text().strip()
        ours = set(KNOWN_SYMBOLS.values()) | set(KNOWN_SYMBOLS) | {self.saved.code, ""}
        if len(code) == 3 and symbol in ours:
            self.symbol.setText(KNOWN_SYMBOLS.get(code, code))

    @Slot()
    def _update_example(self) -> None:
        money = self.money()
        self.example.setText(
            f"{full_one(EXAMPLE, money, cents='always')}  ·  {full_one(EXAMPLE, money)}"
            f"  ·  {compact_one(EXAMPLE, money)}"
        )

    def _add_row(self, row: RateRow) -> None:
        r = self.rate_table.rowCount()
        self.rate_table.insertRow(r)
        self.rate_table.setCellWidget(r, 0, row.code)
        self.rate_table.setCellWidget(r, 1, row.rate)
        self.rate_table.setCellWidget(r, 2, row.effective)
        self.rows.append(row)

    @Slot()
    def add_rate(self) -> None:
        row = RateRow(None, self.today)
        self._add_row(row)
        row.code.setFocus()

    @Slot()
    def remove_rate(self) -> None:
        r = self.rate_table.currentRow()
        if r < 0:
            r = len(self.rows) - 1
        if 0 <= r < len(self.rows):
            self.rate_table.removeRow(r)
            del self.rows[r]
