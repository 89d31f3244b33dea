"""Settings: tier bands, lifecycle windows, date order, tier source; and the database itself.

Save hands the edited settings to the service, which validates them; its message appears under
the form. Renaming a tier goes through `rename_tier`, so segment rules and tier overrides that
name the tier follow the new name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
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
    QVBoxLayout,
    QWidget,
)

from cspm.core.settings import LifecycleWindows, Settings, TierBand
from cspm.service.backup import backup_database
from cspm.service.context import AppContext
from cspm.service.settings import get_settings, rename_tier, save_settings

from .busy import run
from .segments_view import message_of

DATE_ORDERS = [
    ("month_first", "Month first (03/04/2026 is 4 March)"),
    ("day_first", "Day first (03/04/2026 is 3 April)"),
]
TIER_SOURCES = [
    ("arr_bands", "From ARR, using the bands above"),
    ("imported", "As imported (the file's Tier column)"),
]
DB_FILTER = "cspm databases (*.sqlite3 *.sqlite *.db);;All files (*)"


def apply_settings(ctx: AppContext, edited: Settings, renames: list[tuple[str, str]]) -> Settings:
    """Save `edited` (renamed bands still under their old names), then rename those tiers."""
    save_settings(ctx, edited)
    for old, new in renames:
        rename_tier(ctx, old, new)
    return get_settings(ctx)


class BandRow:
    """One tier band's editors; `original` is its saved name (None for a new band)."""

    def __init__(self, name: str, min_arr: float, original: str | None) -> None:
        self.original = original
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("Tier name")
        self.min_arr = QDoubleSpinBox()
        self.min_arr.setRange(0, 1e12)
        self.min_arr.setDecimals(0)
        self.min_arr.setPrefix("$ ")
        self.min_arr.setGroupSeparatorShown(True)
        self.min_arr.setSingleStep(5_000)
        self.min_arr.setValue(min_arr)
        self.min_arr.setAlignment(Qt.AlignmentFlag.AlignRight)


class SettingsView(QWidget):
    data_changed = Signal()
    database_requested = Signal(str)  # a database file to open (existing or to be created)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
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
        note = QLabel(
            "An account falls in the highest tier whose minimum its ARR reaches; accounts "
            "without ARR are Unassigned. Renaming a tier also renames it in segment rules "
            "and tier overrides."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #607d8b;")
        self.tier_source = QComboBox()
        for key, label in TIER_SOURCES:
            self.tier_source.addItem(label, key)
        tiers = QGroupBox("Tiers")
        tiers_lay = QVBoxLayout(tiers)
        tiers_lay.addWidget(self.tier_table)
        tiers_lay.addLayout(tier_buttons)
        tiers_lay.addWidget(note)
        source_form = QFormLayout()
        source_form.addRow("Tier comes from", self.tier_source)
        tiers_lay.addLayout(source_form)

        # lifecycle
        self.onboarding_days = self._days()
        self.renewal_days = self._days()
        self.adoption_days = self._days()
        self.advocate_nps = QDoubleSpinBox()
        self.advocate_nps.setRange(0, 10)
        self.advocate_nps.setDecimals(1)
        self.advocate_health = QDoubleSpinBox()
        self.advocate_health.setRange(0, 100)
        self.advocate_health.setDecimals(0)
        lifecycle = QGroupBox("Lifecycle stages")
        form = QFormLayout(lifecycle)
        form.addRow("Onboarding: contract started within the last", self.onboarding_days)
        form.addRow("Renewal: renewal date within the next", self.renewal_days)
        form.addRow("Adoption: contract started within the last", self.adoption_days)
        form.addRow("Advocate: NPS at least", self.advocate_nps)
        form.addRow("… and health score at least", self.advocate_health)

        # reading files
        self.date_order = QComboBox()
        for key, label in DATE_ORDERS:
            self.date_order.addItem(label, key)
        reading = QGroupBox("Reading files")
        QFormLayout(reading).addRow("Ambiguous dates are read", self.date_order)

        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Revert")
        self.message = QLabel()
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)

        # database
        self.db_label = QLabel(ctx.db.display_name)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setWordWrap(True)
        self.backup_button = QPushButton("Back up database…")
        self.backup_button.setEnabled(ctx.db.is_sqlite)
        if not ctx.db.is_sqlite:
            self.backup_button.setToolTip("Back up a PostgreSQL database with pg_dump.")
        self.open_db_button = QPushButton("Open another database…")
        self.new_db_button = QPushButton("Create a new database…")
        self.db_message = QLabel()
        self.db_message.setWordWrap(True)
        database = QGroupBox("Database")
        db_lay = QVBoxLayout(database)
        db_form = QFormLayout()
        db_form.addRow("Current database", self.db_label)
        db_lay.addLayout(db_form)
        db_buttons = QHBoxLayout()
        for b in (self.backup_button, self.open_db_button, self.new_db_button):
            db_buttons.addWidget(b)
        db_buttons.addStretch(1)
        db_lay.addLayout(db_buttons)
        db_lay.addWidget(self.db_message)

        body = QWidget()
        body_lay = QVBoxLayout(body)
        for box in (tiers, lifecycle, reading):
            body_lay.addWidget(box)
        body_lay.addLayout(actions)
        body_lay.addWidget(database)
        body_lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.add_tier_button.clicked.connect(self.add_tier)
        self.remove_tier_button.clicked.connect(self.remove_tier)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.backup_button.clicked.connect(self.back_up)
        self.open_db_button.clicked.connect(self.open_database)
        self.new_db_button.clicked.connect(self.new_database)
        self.refresh()

    @staticmethod
    def _days() -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 3650)
        spin.setSuffix(" days")
        return spin

    # -- loading --
    @Slot()
    def refresh(self) -> None:
        self.save_button.setEnabled(False)
        run(self, get_settings, self.ctx, on_done=self._show, on_error=self._load_failed)

    def _show(self, settings: Settings) -> None:
        self.settings = settings
        self.tier_table.setRowCount(0)
        self.rows = []
        for band in sorted(settings.tier_bands, key=lambda b: -b.min_arr):
            self._add_row(BandRow(band.name, band.min_arr, band.name))
        lw = settings.lifecycle
        self.onboarding_days.setValue(lw.onboarding_days)
        self.renewal_days.setValue(lw.renewal_days)
        self.adoption_days.setValue(lw.adoption_days)
        self.advocate_nps.setValue(lw.advocate_nps)
        self.advocate_health.setValue(lw.advocate_health)
        self.date_order.setCurrentIndex(self.date_order.findData(settings.date_order))
        self.tier_source.setCurrentIndex(self.tier_source.findData(settings.tier_source))
        self.save_button.setEnabled(True)

    def _add_row(self, row: BandRow) -> None:
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
            name = " ".join(row.name.text().split())
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
            tier_source=self.tier_source.currentData(),
        )
        return settings, renames

    @Slot()
    def save(self) -> None:
        if self.settings is None:
            return
        settings, renames = self.edited()
        self.save_button.setEnabled(False)
        self._say("Saving…")
        run(
            self,
            apply_settings,
            self.ctx,
            settings,
            renames,
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, settings: Settings) -> None:
        self._show(settings)
        self._say("Saved. Tiers and stages are recomputed with these settings.")
        self.data_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._say(f"Not saved: {message_of(exc)}", error=True)
        self.data_changed.emit()  # a rename may have gone through before the error

    def _load_failed(self, exc: BaseException) -> None:
        self._say(message_of(exc), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828; font-weight: 600;" if error else "")
        self.message.setText(text)

    # -- database --
    @Slot()
    def back_up(self) -> None:
        default = f"cspm-backup-{self.ctx.today.isoformat()}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(self, "Back up database", default, DB_FILTER)
        if not path:
            return
        self.db_message.setStyleSheet("")
        self.db_message.setText("Backing up…")
        run(
            self,
            backup_database,
            self.ctx,
            Path(path),
            on_done=lambda p: self._db_say(f"Backed up to {p}."),
            on_error=lambda exc: self._db_say(message_of(exc), error=True),
        )

    def _db_say(self, text: str, *, error: bool = False) -> None:
        self.db_message.setStyleSheet("color: #c62828; font-weight: 600;" if error else "")
        self.db_message.setText(text)

    @Slot()
    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a database", "", DB_FILTER)
        if path:
            self.database_requested.emit(path)

    @Slot()
    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Create a new database",
            "cspm.sqlite3",
            DB_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        if Path(path).exists():
            self._db_say(
                f"{Path(path).name} already exists; use “Open another database…” to open it.",
                error=True,
            )
            return
        self.database_requested.emit(path)
