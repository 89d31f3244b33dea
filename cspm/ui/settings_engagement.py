"""Settings tab: how each tier is served (touch model, recurring cadences) and what a CSM carries.

The editor holds no settings of its own between loads: `load` fills it from the saved task
settings, `set_tiers` follows the tier table while the user edits it (a renamed tier keeps its
row, a new tier gets a row), and `edited` builds new task settings from the saved ones, so
everything this tab does not show (playbooks, priority weights, cadence wording) is kept.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.tasks import TOUCH_MODELS, Cadence, CapacitySettings, TaskSettings
from cspm.service.task_settings_edit import cadence_templates, with_cadence_days

from .setting_widgets import add_row, bind_spin

TierKeys = list[tuple[str, str]]
"""(saved name, name on screen) per tier: a renamed tier is still filed under its saved name."""

NOTE_STYLE = "color: #607d8b;"


def note(text: str) -> QLabel:
    """A grey explanatory line under a group, in plain words."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    return label


def days_spin(maximum: int = 3650, *, off: str | None = None) -> QSpinBox:
    """Days; with `off`, 0 shows that word instead of a number (a cadence switched off)."""
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSuffix(" days")
    if off is not None:
        spin.setSpecialValueText(off)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def hours_spin(maximum: float = 100) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, maximum)
    spin.setDecimals(2)
    spin.setSingleStep(0.25)
    spin.setSuffix(" h")
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def in_sentence(label: str) -> str:
    """ "Check-in" -> "check-in" inside a sentence; acronyms such as QBR stay as they are."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def header_label(label: str) -> str:
    """A long cadence name on two lines, so its column is no wider than its spin boxes."""
    if len(label) <= 14 or " " not in label:
        return label
    cut = label.find(" ", len(label) // 2 - 2)
    cut = cut if cut > 0 else label.rfind(" ")
    return f"{label[:cut]}\n{label[cut + 1 :]}"


def fit_rows(table: QTableWidget, rows: int) -> None:
    """Make `table` exactly as tall as `rows` rows: tiers are few, so no empty box below them."""
    row_height = (
        table.rowHeight(0) if table.rowCount() else table.verticalHeader().defaultSectionSize()
    )
    height = rows * row_height + table.horizontalHeader().sizeHint().height()
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


class TierRow:
    """One tier's editors: a touch model combo and an interval per cadence kind."""

    def __init__(self, key: str, touch_model: str, days: dict[str, int], kinds: list[Cadence]):
        self.key = key
        self.touch = QComboBox()
        for model in TOUCH_MODELS:
            self.touch.addItem(model.capitalize(), model)
        self.touch.setCurrentIndex(max(self.touch.findData(touch_model), 0))
        self.touch.setToolTip(
            "How much personal attention this tier gets. Capacity limits below are set per "
            "touch model."
        )
        self.days: dict[str, QSpinBox] = {}
        for cadence in kinds:
            spin = days_spin(off="off")
            spin.setValue(days.get(cadence.kind, 0))
            spin.setToolTip(
                f"Create a {cadence.label} task for each account in this tier every this many "
                f"days, counted from the last one done. Off: no {cadence.label} tasks."
            )
            self.days[cadence.kind] = spin

    def values(self) -> tuple[str, dict[str, int]]:
        return self.touch.currentData(), {k: s.value() for k, s in self.days.items()}


class EngagementEditor(QWidget):
    """Engagement model per tier, task timing and capacity; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks: TaskSettings | None = None
        self.kinds: list[Cadence] = []
        self.rows: list[TierRow] = []

        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        models = QGroupBox("Engagement by tier")
        models_lay = QVBoxLayout(models)
        models_lay.addWidget(self.table)
        models_lay.addWidget(
            note(
                "Each tier gets recurring tasks at these intervals; “off” means that tier gets "
                "none of that kind. A logged call, meeting or QBR (or the CRM's last "
                "interaction / last QBR date) restarts the clock."
            )
        )

        self.horizon_days = bind_spin(days_spin(), "tasks.horizon_days")
        self.lead_days = bind_spin(days_spin(), "tasks.cadence_lead_days")
        timing = QGroupBox("When tasks appear")
        timing_form = QFormLayout(timing)
        timing_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add_row(timing_form, "tasks.horizon_days", self.horizon_days)
        add_row(timing_form, "tasks.cadence_lead_days", self.lead_days)
        timing_form.addRow(note("…before their due date."))

        self.max_accounts: dict[str, QSpinBox] = {}
        accounts = QGroupBox("Accounts one CSM can carry")
        accounts_form = QFormLayout(accounts)
        accounts_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for model in TOUCH_MODELS:
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            spin.setSpecialValueText("unlimited")
            spin.setSuffix(" accounts")
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setToolTip(
                f"How many {model} accounts make a full book for one CSM. 0 (unlimited): no limit."
            )
            self.max_accounts[model] = spin
            accounts_form.addRow(model.capitalize(), spin)
        accounts_form.addRow(note("Used to tell when a book is over capacity."))

        self.hours_per_month = bind_spin(hours_spin(), "tasks.capacity.hours_per_month")
        self.hours_per_month.setDecimals(0)
        self.hours_per_month.setSingleStep(5)
        self.hours_form = QFormLayout()
        self.hours_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add_row(self.hours_form, "tasks.capacity.hours_per_month", self.hours_per_month)
        self.hours_per_task: dict[str, QDoubleSpinBox] = {}
        time_box = QGroupBox("A CSM's time")
        time_lay = QVBoxLayout(time_box)
        time_lay.addLayout(self.hours_form)
        time_lay.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(timing)
        left.addWidget(accounts)
        lower = QHBoxLayout()
        lower.addLayout(left, 1)
        lower.addWidget(time_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(models)
        layout.addLayout(lower)
        layout.addStretch(1)

    # -- loading --
    def load(self, tasks: TaskSettings, tiers: TierKeys) -> None:
        """Show the saved task settings for these tiers (discarding unsaved edits)."""
        self.tasks = tasks
        templates = cadence_templates(tasks)
        self.kinds = list(templates.values())
        self.rows = []
        self.set_tiers(tiers)
        self.horizon_days.setValue(tasks.horizon_days)
        self.lead_days.setValue(tasks.cadence_lead_days)
        capacity = tasks.capacity
        for model, spin in self.max_accounts.items():
            spin.setValue(capacity.limit(model) or 0)
        self.hours_per_month.setValue(capacity.hours_per_month)
        self._build_hours(capacity)

    def _build_hours(self, capacity: CapacitySettings) -> None:
        while self.hours_form.rowCount() > 1:
            self.hours_form.removeRow(1)
        self.hours_per_task = {}
        for cadence in self.kinds:
            spin = bind_spin(hours_spin(), "tasks.capacity.default_task_hours")
            spin.setValue(capacity.task_hours(cadence.kind))
            spin.setToolTip(f"Hours one {cadence.label} takes you, preparation included.")
            self.hours_per_task[cadence.kind] = spin
            self.hours_form.addRow(f"Hours per {in_sentence(cadence.label)}", spin)

    def set_tiers(self, tiers: TierKeys) -> None:
        """Rows for these tiers, keeping what is on screen for tiers that already had a row."""
        if self.tasks is None:
            return
        shown = {row.key: row.values() for row in self.rows}
        self.table.setRowCount(0)  # deletes the old cell widgets; new ones are made below
        self.table.setColumnCount(2 + len(self.kinds))
        self.table.setHorizontalHeaderLabels(
            ["Tier", "Touch model", *(header_label(c.label) for c in self.kinds)]
        )
        for col, cadence in enumerate(self.kinds, start=2):
            item = self.table.horizontalHeaderItem(col)
            if item is not None:
                item.setToolTip(cadence.description or cadence.label)
        self.table.setRowCount(len(tiers))
        self.rows = []
        for r, (key, label) in enumerate(tiers):
            if key in shown:
                touch, days = shown[key]
            else:
                model = self.tasks.model_for(key)
                touch, days = model.touch_model, {c.kind: c.every_days for c in model.cadences}
            row = TierRow(key, touch, days, self.kinds)
            name = QTableWidgetItem(label)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, 0, name)
            self.table.setCellWidget(r, 1, row.touch)
            for col, cadence in enumerate(self.kinds, start=2):
                self.table.setCellWidget(r, col, row.days[cadence.kind])
            self.rows.append(row)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setMinimumSectionSize(96)
        self.table.resizeRowsToContents()
        fit_rows(self.table, self.table.rowCount())

    def row(self, key: str) -> TierRow:
        """The editors of the tier saved as `key` (for tests and callers that know the tier)."""
        return next(r for r in self.rows if r.key == key)

    # -- saving --
    def edited(self) -> TaskSettings:
        """The saved task settings with this tab's values; raises BadInputError if invalid."""
        assert self.tasks is not None
        templates = {c.kind: c for c in self.kinds}
        engagement = dict(self.tasks.engagement)  # tiers not shown keep their model
        for row in self.rows:
            touch, days = row.values()
            model = dataclasses.replace(self.tasks.model_for(row.key), touch_model=touch)
            for kind, every in days.items():
                model = with_cadence_days(model, kind, every, templates)
            engagement[row.key] = model
        old = self.tasks.capacity
        capacity = dataclasses.replace(
            old,
            max_accounts={m: (s.value() or None) for m, s in self.max_accounts.items()},
            hours_per_task={
                **old.hours_per_task,
                **{k: s.value() for k, s in self.hours_per_task.items()},
            },
            hours_per_month=self.hours_per_month.value(),
        )
        return dataclasses.replace(
            self.tasks,
            engagement=engagement,
            capacity=capacity,
            horizon_days=self.horizon_days.value(),
            cadence_lead_days=self.lead_days.value(),
        )
