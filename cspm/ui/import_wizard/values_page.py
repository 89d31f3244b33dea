"""The values step: how each scaled column's numbers are read, and what each word means.

Shown after the mapping when the plan has something to decide: a scale per NPS or health score
column (decided from its values, changeable here), and for each status, churn, lifecycle stage
and tier column its distinct values with their row counts and a dropdown per value, as Flatfile
and Twenty's importer do. Every change re-plans from the cells already read (like the mapping
step), in a worker, the newest change winning; the choices go into the import options, so they
are saved with the mapping profile too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.service.imports import PreparedImport, scale_labels

from .helpers import bold, message_label, say
from .replan import ReplanningPage

if TYPE_CHECKING:
    from cspm.service.import_results import ValueColumn

    from .wizard import ImportWizard

# who decided a meaning: the badge's words and its colour on a light and on a dark table
DECIDED_BY = {
    "yours": ("your choice", "#6a1b9a", "#ce93d8"),
    "profile": ("profile", "#1565c0", "#90caf9"),
    "vocabulary": ("known word", "#2e7d32", "#81c784"),
    "values": ("from the values", "#2e7d32", "#81c784"),
    "earlier": ("as earlier imports of this column", "#1565c0", "#90caf9"),
    "none": ("not recognised", "#b45309", "#ffb74d"),
}
FIELD_LABELS = {
    "status": "status",
    "churn_flag": "churn flag",
    "lifecycle_stage": "lifecycle stage",
    "tier": "tier",
    # related kinds (subscriptions, tickets, churn events): yes/no and opportunity stages
    "escalated": "escalated, yes or no",
    "is_reactivation": "reactivation, yes or no",
    "is_won": "won, yes or no",
    "stage": "opportunity stage: only closed-won rows are subscriptions",
}
ROW_HEIGHT = 30


def badge_colour(how: str, base: QColor) -> QColor:
    """The badge colour for `how`, readable on the table's `base` (light or dark palette)."""
    _text, light, dark = DECIDED_BY.get(how, (how, "#555555", "#bbbbbb"))
    return QColor(dark if base.lightness() < 128 else light)


def has_choices(prepared: PreparedImport | None) -> bool:
    """Whether the values step has anything to show for this plan."""
    return prepared is not None and bool(scales_of(prepared) or prepared.plan.value_columns)


def scales_of(prepared: PreparedImport) -> list[Any]:
    """The plan's scale decisions (a related plan has none: no NPS or health columns)."""
    return list(getattr(prepared.plan, "scales", None) or [])


class ValuesPage(ReplanningPage):
    """Scales first (one dropdown per column), then one table of values per word column."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What do the values mean?")
        self.setSubTitle(
            "cspm read these columns as shown. Change a scale or a word's meaning here; "
            "your choices are saved with the mapping profile."
        )
        self.message = message_label()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(scroll, 1)
        self.scale_combos: dict[str, QComboBox] = {}
        self.value_combos: dict[tuple[str, str], QComboBox] = {}
        self.tables: dict[str, QTableWidget] = {}
        self.evidence_labels: dict[str, QLabel] = {}

    def initializePage(self) -> None:
        assert self.w.prepared is not None, "the mapping step plans before this page"
        say(self.message, "")
        self._show(self.w.prepared)

    # --- planning -------------------------------------------------------------------------

    def _controls(self) -> QWidget:
        return self.body

    # --- showing --------------------------------------------------------------------------

    def _clear(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.scale_combos, self.value_combos, self.tables = {}, {}, {}
        self.evidence_labels = {}

    def _show(self, prepared: PreparedImport) -> None:
        self._clear()
        plan = prepared.plan
        scales = scales_of(prepared)
        if scales:
            self.body_layout.addWidget(self._scales_box(prepared))
        for column in plan.value_columns:
            self.body_layout.addWidget(self._values_box(column))
        if not scales and not plan.value_columns:
            self.body_layout.addWidget(QLabel("No column needs a scale or a meaning."))
        self.body_layout.addStretch(1)

    def _scales_box(self, prepared: PreparedImport) -> QGroupBox:
        box = QGroupBox("Scales")
        grid = QGridLayout(box)
        labels = scale_labels()
        for r, d in enumerate(scales_of(prepared)):
            name = QLabel(d.header)
            name.setFont(bold())
            combo = QComboBox()
            for scale in d.choices:
                combo.addItem(labels[scale], scale)
            combo.setCurrentIndex(combo.findData(d.scale))
            combo.currentIndexChanged.connect(lambda _i, h=d.header: self._scale_changed(h))
            decided = DECIDED_BY.get(d.how, (d.how,))[0]
            evidence = QLabel(f"{d.evidence()} ({decided})")
            evidence.setWordWrap(True)
            # the palette's muted text colour: readable on a light and on a dark palette
            evidence.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            grid.addWidget(name, r, 0)
            grid.addWidget(combo, r, 1)
            grid.addWidget(evidence, r, 2)
            self.evidence_labels[d.header] = evidence
            self.scale_combos[d.header] = combo
        grid.setColumnStretch(2, 1)
        return box

    def _values_box(self, column: ValueColumn) -> QGroupBox:
        what = FIELD_LABELS.get(column.field, column.field.replace("_", " "))
        box = QGroupBox(f"Column '{column.header}' ({what})")
        lay = QVBoxLayout(box)
        table = QTableWidget(len(column.values), 4)
        table.setHorizontalHeaderLabels(["Value in the file", "Rows", "Means", "Decided by"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        base = self.palette().color(QPalette.ColorRole.Base)  # the wizard's, light or dark
        for r, v in enumerate(column.values):
            table.setItem(r, 0, QTableWidgetItem(v.value))
            count = QTableWidgetItem(f"{v.count:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 1, count)
            combo = QComboBox()
            for target, label in column.choices:
                combo.addItem(label, target)
            index = combo.findData(v.target)
            if index < 0:  # a target outside the choices (e.g. a plan rename): show it
                combo.addItem(v.target, v.target)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
            combo.currentIndexChanged.connect(
                lambda _i, h=column.header, val=v.value: self._value_changed(h, val)
            )
            table.setCellWidget(r, 2, combo)
            self.value_combos[(column.header, v.value)] = combo
            badge = QTableWidgetItem(DECIDED_BY.get(v.how, (v.how,))[0])
            badge.setForeground(badge_colour(v.how, base))
            badge.setFont(bold())
            table.setItem(r, 3, badge)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(2, 260)
        table.resizeColumnToContents(1)
        table.resizeColumnToContents(3)
        shown = min(len(column.values), 8)
        table.setFixedHeight(table.horizontalHeader().height() + ROW_HEIGHT * shown + 6)
        lay.addWidget(table)
        if column.more:
            lay.addWidget(QLabel(f"{column.more:,} more values (map them on the command line)."))
        self.tables[column.header] = table
        return box

    # --- choices --------------------------------------------------------------------------

    def _scale_changed(self, header: str) -> None:
        self.w.user_scales[header] = self.scale_combos[header].currentData()
        self.prepare()

    def _value_changed(self, header: str, value: str) -> None:
        target = self.value_combos[(header, value)].currentData()
        self.w.user_values.setdefault(header, {})[value] = target
        self.prepare()
