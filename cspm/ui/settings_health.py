"""Settings tab: how the health score is computed (weights, per-tier weights, colour bands).

Like the engagement tab it edits a copy: `load` shows the saved HealthConfig, `edited` returns a
new one. Validation (no negative weights, at least one weight above 0, bands in order) is the
service's job, so the GUI and `cspm settings set health...` refuse the same things with the same
words.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights

from .settings_engagement import TierKeys, days_spin, fit_rows, note

COMPONENT_TEXT: dict[str, tuple[str, str]] = {
    "seat_utilization": (
        "Seat use",
        "Active seats ÷ purchased seats; using 80% or more of the seats counts as fully healthy.",
    ),
    "mau_trend": (
        "Usage trend",
        "Change in monthly active users over the trend window: flat is fair, growth scores best.",
    ),
    "nps": ("NPS", "The latest NPS answer: promoters score high, detractors low."),
    "open_tickets": ("Open tickets", "Fewer open support tickets is healthier; 10 or more is 0."),
    "interaction": (
        "Last contact",
        "Days since the last interaction: within two weeks is best, 90 days or more is 0.",
    ),
    "unpaid_invoices": ("Unpaid invoices", "Unpaid amount compared with ARR; none is best."),
}


def weight_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, 100)
    spin.setDecimals(2)
    spin.setSingleStep(0.05)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def weights_of(spins: dict[str, QDoubleSpinBox]) -> HealthWeights:
    return HealthWeights(**{c: spins[c].value() for c in COMPONENTS})


class OverrideRow:
    """A tier's own weights: one spin box per component (made anew each time rows are drawn)."""

    def __init__(self, key: str, weights: HealthWeights) -> None:
        self.key = key
        self.spins: dict[str, QDoubleSpinBox] = {}
        for c in COMPONENTS:
            spin = weight_spin()
            spin.setValue(getattr(weights, c))
            spin.setToolTip(COMPONENT_TEXT[c][1])
            self.spins[c] = spin

    def weights(self) -> HealthWeights:
        return weights_of(self.spins)


class HealthEditor(QWidget):
    """Default weights, bands, imported-score preference and per-tier weight overrides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config: HealthConfig | None = None
        self.tiers: TierKeys = []
        self.overrides: list[OverrideRow] = []

        explain = note(
            "The health score (0–100) is a weighted average of the signals an account has. A "
            "weight says how much a signal counts compared with the others (they need not add "
            "up to 1); 0 ignores the signal. A missing signal drops out, so an account without "
            "NPS is not marked down for it."
        )
        self.weights: dict[str, QDoubleSpinBox] = {}
        self.shares: dict[str, QLabel] = {}
        defaults = QGroupBox("Weights for every tier")
        grid = QGridLayout(defaults)
        for r, c in enumerate(COMPONENTS):
            label = QLabel(COMPONENT_TEXT[c][0])
            label.setToolTip(COMPONENT_TEXT[c][1])
            spin = weight_spin()
            spin.setToolTip(COMPONENT_TEXT[c][1])
            spin.valueChanged.connect(self._show_shares)
            share = QLabel()
            share.setStyleSheet("color: #607d8b;")
            self.weights[c], self.shares[c] = spin, share
            grid.addWidget(label, r, 0)
            grid.addWidget(spin, r, 1)
            grid.addWidget(share, r, 2)
        grid.setColumnStretch(2, 1)

        self.red_below = QSpinBox()
        self.green_from = QSpinBox()
        for band in (self.red_below, self.green_from):
            band.setRange(0, 100)
            band.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.red_below.setToolTip("Scores under this are red: the account needs attention.")
        self.green_from.setToolTip("Scores from this up are green; in between is amber.")
        self.prefer_imported = QCheckBox("Use the CRM's health score when the file has one")
        self.prefer_imported.setToolTip(
            "The CRM's score may know things the spreadsheet does not; untick to always use "
            "the score computed from these weights."
        )
        self.trend_days = days_spin(365)
        self.trend_days.setMinimum(1)
        self.trend_days.setToolTip("The usage trend compares active users with this many days ago.")
        self.min_signals = QSpinBox()
        self.min_signals.setRange(1, len(COMPONENTS))
        self.min_signals.setSuffix(" signals")
        self.min_signals.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.min_signals.setToolTip(
            "An account with fewer signals than this gets no computed score ('not enough "
            "data'): one stale date alone would otherwise score 0 and look at risk."
        )
        bands = QGroupBox("Colours and sources")
        form = QFormLayout(bands)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Red below", self.red_below)
        form.addRow("Green from", self.green_from)
        form.addRow("Usage trend over", self.trend_days)
        form.addRow("Score needs at least", self.min_signals)
        form.addRow(self.prefer_imported)

        self.table = QTableWidget(0, 1 + len(COMPONENTS))
        self.table.setHorizontalHeaderLabels(["Tier", *(COMPONENT_TEXT[c][0] for c in COMPONENTS)])
        for col, c in enumerate(COMPONENTS, start=1):
            item = self.table.horizontalHeaderItem(col)
            if item is not None:
                item.setToolTip(COMPONENT_TEXT[c][1])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_tier = QComboBox()
        self.add_tier.setMinimumContentsLength(12)
        self.add_button = QPushButton("Add override")
        self.add_button.setToolTip("Give this tier its own weights, starting from the ones above.")
        self.remove_button = QPushButton("Remove override")
        self.remove_button.setToolTip("The selected tier goes back to the weights above.")
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Tier"))
        buttons.addWidget(self.add_tier)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        per_tier = QGroupBox("Tiers with their own weights")
        per_tier_lay = QVBoxLayout(per_tier)
        per_tier_lay.addWidget(self.table)
        per_tier_lay.addLayout(buttons)
        per_tier_lay.addWidget(
            note("E.g. ignore last contact for SMB accounts you do not call. Other tiers use "
                 "the weights for every tier.")
        )  # fmt: skip

        top = QHBoxLayout()
        top.addWidget(defaults, 3)
        top.addWidget(bands, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addLayout(top)
        layout.addWidget(per_tier)
        layout.addStretch(1)

        self.add_button.clicked.connect(self.add_override)
        self.remove_button.clicked.connect(self.remove_override)

    # -- loading --
    def load(self, config: HealthConfig, tiers: TierKeys) -> None:
        """Show the saved configuration (discarding unsaved edits)."""
        self.config = config
        for c, spin in self.weights.items():
            spin.setValue(getattr(config.weights, c))
        self.red_below.setValue(round(config.red_below))
        self.green_from.setValue(round(config.green_from))
        self.trend_days.setValue(round(config.mau_trend_days))
        self.prefer_imported.setChecked(config.prefer_imported)
        self.min_signals.setValue(config.min_signals)
        self.overrides = [OverrideRow(t, w) for t, w in config.tier_weights.items()]
        self.set_tiers(tiers)
        self._show_shares()

    def set_tiers(self, tiers: TierKeys) -> None:
        """Follow the tier table: renamed tiers show their new name, the add list the others."""
        self.tiers = tiers
        names = dict(tiers)
        # the table deletes cell widgets with their rows: draw fresh rows from current values
        self.overrides = [OverrideRow(row.key, row.weights()) for row in self.overrides]
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.overrides))
        for r, row in enumerate(self.overrides):
            item = QTableWidgetItem(names.get(row.key, row.key))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, 0, item)
            for col, c in enumerate(COMPONENTS, start=1):
                self.table.setCellWidget(r, col, row.spins[c])
        taken = {row.key for row in self.overrides}
        self.add_tier.clear()
        for key, label in tiers:
            if key not in taken and label:
                self.add_tier.addItem(label, key)
        self.table.resizeRowsToContents()
        fit_rows(self.table, max(len(self.overrides), 2))
        self.add_button.setEnabled(self.add_tier.count() > 0)
        self.remove_button.setEnabled(bool(self.overrides))

    @Slot()
    def _show_shares(self) -> None:
        total = sum(s.value() for s in self.weights.values())
        for c, label in self.shares.items():
            share = self.weights[c].value() / total if total > 0 else 0.0
            label.setText(f"{share:.0%} of the score" if total > 0 else "")

    @Slot()
    def add_override(self) -> None:
        key = self.add_tier.currentData()
        if key is None:
            return
        self.overrides.append(OverrideRow(key, weights_of(self.weights)))
        self.set_tiers(self.tiers)
        self.table.selectRow(len(self.overrides) - 1)

    @Slot()
    def remove_override(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < len(self.overrides):
            r = len(self.overrides) - 1
        if r >= 0:
            del self.overrides[r]
            self.set_tiers(self.tiers)

    # -- saving --
    def edited(self) -> HealthConfig:
        assert self.config is not None
        return dataclasses.replace(
            self.config,
            weights=weights_of(self.weights),
            tier_weights={row.key: row.weights() for row in self.overrides},
            prefer_imported=self.prefer_imported.isChecked(),
            mau_trend_days=float(self.trend_days.value()),
            red_below=float(self.red_below.value()),
            green_from=float(self.green_from.value()),
            min_signals=self.min_signals.value(),
        )
