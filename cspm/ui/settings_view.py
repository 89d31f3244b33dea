"""Settings: tiers and lifecycle, engagement and capacity, health score, currency, files and
database.

One Save / Revert covers the first three tabs and the date order: Save hands all three settings
documents (app settings, task settings, health configuration) and the tier renames to
`save_all`, which validates everything before writing anything, so a bad health weight never
leaves tier changes half-saved; its message appears under the tabs. Renamed tiers keep their
saved name until then, so engagement models, health weights, segment rules and tier overrides
follow the new name. The database actions on the last tab act at once.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.money import MoneyFormat
from cspm.core.settings import UNASSIGNED_TIER, LifecycleWindows, Settings, TierBand
from cspm.service.context import AppContext
from cspm.service.settings import AllSettings, load_all, save_all

from .busy import run
from .health_evidence import HealthEvidence
from .segments_view import message_of
from .setting_widgets import add_row, bind_spin, fill_combo
from .settings_currency import CurrencyEditor
from .settings_database import DatabasePanel
from .settings_engagement import EngagementEditor, TierKeys, note
from .settings_health import HealthEditor
from .settings_you import YouPanel

DATE_ORDERS = [
    ("month_first", "Month first (03/04/2026 is 4 March)"),
    ("day_first", "Day first (03/04/2026 is 3 April)"),
]
TIER_SOURCES = [
    ("arr_bands", "From ARR, using the bands above"),
    ("imported", "As imported (the file's Tier column)"),
]


def scrolled(*parts: QWidget) -> QScrollArea:
    """A tab page: the parts stacked at the top, scrolling when the window is short."""
    body = QWidget()
    lay = QVBoxLayout(body)
    for part in parts:
        lay.addWidget(part)
    lay.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


class BandRow:
    """One tier band's editors; `original` is its saved name (None for a new band)."""

    def __init__(self, name: str, min_arr: float, original: str | None) -> None:
        self.original = original
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("Tier name")
        self.min_arr = QDoubleSpinBox()
        self.min_arr.setRange(0, 1e12)
        self.min_arr.setDecimals(0)
        self.min_arr.setPrefix("$ ")  # the portfolio currency's, see `show_money`
        self.min_arr.setGroupSeparatorShown(True)
        self.min_arr.setSingleStep(5_000)
        self.min_arr.setValue(min_arr)
        self.min_arr.setAlignment(Qt.AlignmentFlag.AlignRight)

    def show_money(self, money: MoneyFormat) -> None:
        """Write the minimum with the portfolio currency's mark, where it puts it."""
        before = money.placement in ("symbol_before", "code_before")
        self.min_arr.setPrefix(f"{money.mark} " if before else "")
        self.min_arr.setSuffix("" if before else f" {money.mark}")


class SettingsView(QWidget):
    data_changed = Signal()
    database_requested = Signal(str)  # a database file to open (existing or to be created)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved: AllSettings | None = None
        self.settings: Settings | None = None
        self.rows: list[BandRow] = []

        # tiers
        self.tier_table = QTableWidget(0, 2)
        self.tier_table.setHorizontalHeaderLabels(["Tier", "Minimum ARR"])
        self.tier_table.verticalHeader().hide()
        self.tier_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tier_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.tier_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tier_table.setMinimumHeight(150)
        self.add_tier_button = QPushButton("Add tier")
        self.remove_tier_button = QPushButton("Remove tier")
        tier_buttons = QHBoxLayout()
        tier_buttons.addWidget(self.add_tier_button)
        tier_buttons.addWidget(self.remove_tier_button)
        tier_buttons.addStretch(1)
        self.tier_source = fill_combo(QComboBox(), "tier_source", dict(TIER_SOURCES))
        tiers = QGroupBox("Tiers")
        tiers_lay = QVBoxLayout(tiers)
        tiers_lay.addWidget(self.tier_table)
        tiers_lay.addLayout(tier_buttons)
        tiers_lay.addWidget(
            note(
                "An account falls in the highest tier whose minimum its ARR reaches; accounts "
                "without ARR are Unassigned. Renaming a tier also renames it in segment rules, "
                "tier overrides, engagement models and health weights."
            )
        )
        source_form = QFormLayout()
        add_row(source_form, "tier_source", self.tier_source)
        tiers_lay.addLayout(source_form)

        # lifecycle
        self.onboarding_days = bind_spin(QSpinBox(), "lifecycle.onboarding_days")
        self.renewal_days = bind_spin(QSpinBox(), "lifecycle.renewal_days")
        self.adoption_days = bind_spin(QSpinBox(), "lifecycle.adoption_days")
        self.advocate_nps = bind_spin(QDoubleSpinBox(), "lifecycle.advocate_nps")
        self.advocate_nps.setDecimals(1)
        self.advocate_health = bind_spin(QDoubleSpinBox(), "lifecycle.advocate_health")
        self.advocate_health.setDecimals(0)
        lifecycle = QGroupBox("Lifecycle stages")
        form = QFormLayout(lifecycle)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for name in ("onboarding_days", "renewal_days", "adoption_days"):
            add_row(form, f"lifecycle.{name}", getattr(self, name))
        add_row(form, "lifecycle.advocate_nps", self.advocate_nps)
        add_row(form, "lifecycle.advocate_health", self.advocate_health)

        # reading files
        self.date_order = fill_combo(QComboBox(), "date_order", dict(DATE_ORDERS))
        reading = QGroupBox("Reading files")
        reading_form = QFormLayout(reading)
        add_row(reading_form, "date_order", self.date_order)
        periods = {"month": "month end", "quarter": "quarter end"}
        self.history_period = fill_combo(QComboBox(), "related.history_period", periods)
        add_row(reading_form, "related.history_period", self.history_period)

        self.engagement = EngagementEditor()
        self.health = HealthEditor()
        self.health_evidence = HealthEvidence(
            ctx, lambda: self.health.edited() if self.health.config else None, self
        )
        self.health.changed.connect(self.health_evidence.edits_changed)
        self.health_evidence.use_weights.connect(self.health.take_weights)
        self.currency = CurrencyEditor(ctx.today)
        self.database = DatabasePanel(ctx)
        # the database widgets, reachable as before the tabs
        self.db_label = self.database.db_label
        self.db_message = self.database.db_message
        self.backup_button = self.database.backup_button
        self.open_db_button = self.database.open_db_button
        self.new_db_button = self.database.new_db_button

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scrolled(tiers, lifecycle), "Tiers && lifecycle")
        self.tabs.addTab(scrolled(self.engagement), "Engagement && capacity")
        self.tabs.addTab(scrolled(self.health, self.health_evidence), "Health score")
        self.tabs.addTab(scrolled(self.currency), "Currency")
        self.tabs.addTab(scrolled(reading, self.database), "Files && database")
        self.you = YouPanel(ctx)  # personal: saves at once, outside Save / Revert
        self.tabs.addTab(scrolled(self.you), "You")

        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save the settings on every tab (the database acts at once).")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Throw away unsaved changes on every tab.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.setContentsMargins(9, 0, 9, 9)
        actions.addWidget(self.message, 1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs, 1)
        outer.addLayout(actions)

        self.add_tier_button.clicked.connect(self.add_tier)
        self.remove_tier_button.clicked.connect(self.remove_tier)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.tabs.currentChanged.connect(self._sync_tiers)
        self.database.database_requested.connect(self.database_requested)
        self.refresh()

    # -- loading --
    @Slot()
    def refresh(self) -> None:
        self.save_button.setEnabled(False)
        run(self, load_all, self.ctx, on_done=self._show, on_error=self._load_failed)

    def _show(self, saved: AllSettings) -> None:
        self.saved = saved
        settings = saved.settings
        self.settings = settings
        self.tier_table.setRowCount(0)
        self.rows = []
        for band in sorted(settings.tier_bands, key=lambda b: -b.min_arr):
            self._add_row(BandRow(band.name, band.min_arr, band.name))
        self.currency.load(settings.currency)
        lw = settings.lifecycle
        self.onboarding_days.setValue(lw.onboarding_days)
        self.renewal_days.setValue(lw.renewal_days)
        self.adoption_days.setValue(lw.adoption_days)
        self.advocate_nps.setValue(lw.advocate_nps)
        self.advocate_health.setValue(lw.advocate_health)
        self.date_order.setCurrentIndex(self.date_order.findData(settings.date_order))
        period = settings.related.history_period
        self.history_period.setCurrentIndex(self.history_period.findData(period))
        self.tier_source.setCurrentIndex(self.tier_source.findData(settings.tier_source))
        tiers = self.tier_keys()
        self.engagement.load(saved.tasks, tiers)
        self.health.load(saved.health, tiers)
        self.health_evidence.refresh()
        self.save_button.setEnabled(True)

    def tier_keys(self) -> TierKeys:
        """(saved name, name on screen) of the tiers in the table, highest first, + Unassigned.

        With tiers taken from the file, tiers that only the engagement models name are listed
        too, since the file may use names no band has.
        """
        rows = sorted(self.rows, key=lambda r: -r.min_arr.value())
        keys = [(r.original or self._name(r), self._name(r)) for r in rows if self._name(r)]
        keys.append((UNASSIGNED_TIER, UNASSIGNED_TIER))
        if self.saved is not None and self.tier_source.currentData() == "imported":
            known = {k for k, _ in keys}
            keys += [(t, t) for t in self.saved.tasks.engagement if t not in known]
        return keys

    @staticmethod
    def _name(row: BandRow) -> str:
        return " ".join(row.name.text().split())

    @Slot()
    def _sync_tiers(self) -> None:
        """Let the engagement and health tabs follow unsaved edits of the tier table."""
        if self.saved is not None:
            tiers = self.tier_keys()
            self.engagement.set_tiers(tiers)
            self.health.set_tiers(tiers)

    def _add_row(self, row: BandRow) -> None:
        if self.settings is not None:
            row.show_money(self.settings.money)
        r = self.tier_table.rowCount()
        self.tier_table.insertRow(r)
        self.tier_table.setCellWidget(r, 0, row.name)
        self.tier_table.setCellWidget(r, 1, row.min_arr)
        self.rows.append(row)

    @Slot()
    def add_tier(self) -> None:
        lowest = min((r.min_arr.value() for r in self.rows), default=0.0)
        row = BandRow("", max(lowest / 2, 0), None)
        self._add_row(row)
        row.name.setFocus()

    @Slot()
    def remove_tier(self) -> None:
        r = self.tier_table.currentRow()
        if r < 0:
            r = len(self.rows) - 1
        if 0 <= r < len(self.rows):
            self.tier_table.removeRow(r)
            del self.rows[r]

    # -- saving --
    def edited(self) -> tuple[Settings, list[tuple[str, str]]]:
        """The settings on screen (renamed bands under their saved names) and the renames."""
        assert self.settings is not None
        bands, renames = [], []
        for row in self.rows:
            name = self._name(row)
            if row.original is not None and name != row.original:
                renames.append((row.original, name))
                name = row.original
            bands.append(TierBand(name, float(row.min_arr.value())))
        lifecycle = LifecycleWindows(
            onboarding_days=self.onboarding_days.value(),
            renewal_days=self.renewal_days.value(),
            adoption_days=self.adoption_days.value(),
            advocate_nps=self.advocate_nps.value(),
            advocate_health=self.advocate_health.value(),
        )
        settings = dataclasses.replace(
            self.settings,
            tier_bands=tuple(bands),
            lifecycle=lifecycle,
            date_order=self.date_order.currentData(),
            related=dataclasses.replace(
                self.settings.related, history_period=self.history_period.currentData()
            ),
            tier_source=self.tier_source.currentData(),
            currency=self.currency.edited(),
        )
        return settings, renames

    @Slot()
    def save(self) -> None:
        if self.saved is None:
            return
        self._sync_tiers()
        try:
            settings, renames = self.edited()
            edited = AllSettings(settings, self.engagement.edited(), self.health.edited())
        except CspmError as exc:  # a value the settings classes refuse, e.g. a bad cadence
            self._failed(exc)
            return
        self.save_button.setEnabled(False)
        self._say("Saving…")
        run(self, save_all, self.ctx, edited, renames, on_done=self._saved, on_error=self._failed)

    def _saved(self, saved: AllSettings) -> None:
        self._show(saved)
        self._say("Saved. Tiers, stages, health scores and tasks now follow these settings.")
        self.data_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._say(f"Not saved: {message_of(exc)}", error=True)

    def _load_failed(self, exc: BaseException) -> None:
        self._say(message_of(exc), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828; font-weight: 600;" if error else "")
        self.message.setText(text)
