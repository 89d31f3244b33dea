"""Settings tab: how the health score is computed (weights, per-tier weights, colour bands).

Like the engagement tab it edits a copy: `load` shows the saved HealthConfig, `edited` returns a
new one. Validation (no negative weights, at least one weight above 0, bands in order) is the
service's job, so the GUI and `cspm settings set health...` refuse the same things with the same
words.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from cspm.core.health import COMPONENTS, RELATED_COMPONENTS, HealthConfig, HealthWeights

from . import setting_widgets as declared_widgets
from .setting_widgets import add_row, bind_spin, check_box
from .settings_engagement import TierKeys, days_spin, fit_rows, note

COMPONENT_TEXT: dict[str, tuple[str, str]] = {
    c: (
        declared_widgets.label(f"health.weights.{c}"),
        declared_widgets.help_of(f"health.weights.{c}"),
    )
    for c in COMPONENTS
}
"""Component -> (label, explanation), from the weights' declarations."""


def weight_spin(component: str = COMPONENTS[0]) -> QDoubleSpinBox:
    """A weight: the declared range of the component's weight (its help as the tooltip)."""
    spin = bind_spin(QDoubleSpinBox(), f"health.weights.{component}")
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
            spin = weight_spin(c)
            spin.setValue(getattr(weights, c))
            self.spins[c] = spin

    def weights(self) -> HealthWeights:
        return weights_of(self.spins)


class HealthEditor(QWidget):
    """Default weights, bands, imported-score preference and per-tier weight overrides.

    `changed()` on every edit (the what-if beside it follows the unsaved values)."""

    changed = Signal()

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
        r = 0
        for c in COMPONENTS:
            if c == RELATED_COMPONENTS[0]:
                heading = QLabel("From related data (usage, tickets, contacts exports)")
                heading.setStyleSheet("font-weight: bold; margin-top: 6px;")
                heading.setToolTip(
                    "Signals aggregated from imported usage, tickets and contacts files; 0 "
                    "until you weigh them. Accounts without such data are scored on the rest."
                )
                grid.addWidget(heading, r, 0, 1, 3)
                r += 1
            label = QLabel(COMPONENT_TEXT[c][0])
            label.setToolTip(COMPONENT_TEXT[c][1])
            spin = weight_spin(c)
            spin.valueChanged.connect(self._show_shares)
            share = QLabel()
            share.setStyleSheet("color: #607d8b;")
            self.weights[c], self.shares[c] = spin, share
            grid.addWidget(label, r, 0)
            grid.addWidget(spin, r, 1)
            grid.addWidget(share, r, 2)
            r += 1
        grid.setColumnStretch(2, 1)

        self.red_below = bind_spin(QSpinBox(), "health.red_below")
        self.green_from = bind_spin(QSpinBox(), "health.green_from")
        for band in (self.red_below, self.green_from):
            band.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.prefer_imported = check_box("health.prefer_imported")
        self.trend_days = bind_spin(days_spin(), "health.mau_trend_days")
        self.satisfaction_max = bind_spin(QDoubleSpinBox(), "health.satisfaction_max")
        self.satisfaction_max.setDecimals(0)
        self.satisfaction_max.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.min_signals = bind_spin(QSpinBox(), "health.min_signals")
        self.min_signals.setAlignment(Qt.AlignmentFlag.AlignRight)
        bands = QGroupBox("Colours and sources")
        form = QFormLayout(bands)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add_row(form, "health.red_below", self.red_below)
        add_row(form, "health.green_from", self.green_from)
        add_row(form, "health.mau_trend_days", self.trend_days)
        add_row(form, "health.min_signals", self.min_signals)
        add_row(form, "health.satisfaction_max", self.satisfaction_max)
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
        # eleven components: columns fit their headers and the table scrolls sideways
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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
        for weight in self.weights.values():
            weight.valueChanged.connect(self.changed)
        for whole in (self.red_below, self.green_from, self.trend_days, self.min_signals):
            whole.valueChanged.connect(self.changed)
        self.satisfaction_max.valueChanged.connect(self.changed)
        self.prefer_imported.toggled.connect(self.changed)

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
        self.satisfaction_max.setValue(config.satisfaction_max)
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
                row.spins[c].valueChanged.connect(self.changed)
        taken = {row.key for row in self.overrides}
        self.add_tier.clear()
        for key, label in tiers:
            if key not in taken and label:
                self.add_tier.addItem(label, key)
        self.table.resizeRowsToContents()
        fit_rows(self.table, max(len(self.overrides), 2))
        self.add_button.setEnabled(self.add_tier.count() > 0)
        self.remove_button.setEnabled(bool(self.overrides))
        self.changed.emit()

    def take_weights(self, tier: str, weights: HealthWeights) -> None:
        """Show `weights` as the tier's own (unsaved: Save applies them)."""
        names = {label: key for key, label in self.tiers}
        key = names.get(tier, tier)
        rows = [row for row in self.overrides if row.key == key]
        if rows:
            for c, spin in rows[0].spins.items():
                spin.setValue(getattr(weights, c))
            self.changed.emit()
            return
        self.overrides.append(OverrideRow(key, weights))
        self.set_tiers(self.tiers)

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
            satisfaction_max=float(self.satisfaction_max.value()),
        )
