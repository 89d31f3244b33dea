"""The mapping step: what each column of the file is imported as, changeable per column.

Every change re-plans the import from the cells the header step read (`prepare_cells`), never
from the file: on a 100,000-row workbook a re-read costs seconds per click, and the file may have
moved or changed since. Planning still runs in a worker, and a sequence number drops the result
of any plan overtaken by a later change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.related.kinds import ACCOUNTS
from cspm.service.imports import PreparedImport

from .helpers import bold, cell_text, message_label, say
from .kind_texts import KIND_TEXTS
from .plans import kind_targets
from .replan import ReplanningPage
from .values_page import has_choices

if TYPE_CHECKING:
    from .wizard import ImportWizard

BADGES = {
    "profile": ("profile", "#1565c0"),
    "synonym": ("synonym", "#2e7d32"),
    "fuzzy": ("fuzzy match", "#ef6c00"),
    "user": ("your choice", "#6a1b9a"),
    "values": ("by its values", "#00838f"),
    "custom": ("new custom field", "#78909c"),
    "ignore": ("ignored", "#78909c"),
}


class MappingPage(ReplanningPage):
    """One row per column: its first values, a dropdown of targets, and how it was matched."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What does each column hold?")
        self.setSubTitle(
            "Columns cspm recognised are matched to its fields; the rest are kept as custom "
            "fields you can use in segments. Change any choice here."
        )
        self.targets: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}
        self._targets_of: str | None = None  # the kind the dropdowns' choices are of
        self.profile_label = QLabel()
        self.profile_label.setStyleSheet("color: #1565c0; font-weight: 600;")
        self.profile_label.hide()
        self.message = message_label()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            ["Column in the file", "First values", "Import as", "Matched by"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("e.g. Salesforce renewals report (optional)")
        form = QFormLayout()
        form.addRow("Save this mapping as a profile named", self.profile_name)
        lay = QVBoxLayout(self)
        lay.addWidget(self.profile_label)
        lay.addWidget(self.message)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:
        self._offer(self.w.kind or ACCOUNTS)
        if self.w.prepared is None:
            self.prepare()

    def _offer(self, kind: str) -> None:
        """The chosen kind's fields in the dropdowns, and words that name the kind."""
        if kind == self._targets_of:
            return
        self._targets_of = kind
        self.targets = kind_targets(kind)
        self.labels = dict(self.targets)
        if kind == ACCOUNTS:
            self.setSubTitle(
                "Columns cspm recognised are matched to its fields; the rest are kept as "
                "custom fields you can use in segments. Change any choice here."
            )
            self.profile_name.setPlaceholderText("e.g. Salesforce renewals report (optional)")
        else:
            text = KIND_TEXTS[kind]
            self.setSubTitle(
                f"Read as {text.noun} ({text.shape}): columns cspm recognised are matched to "
                f"the {text.source} fields; the rest are kept with each row. Change any "
                "choice here."
            )
            self.profile_name.setPlaceholderText(
                f"e.g. {text.source.capitalize()} export (optional)"
            )

    def _controls(self) -> QWidget:
        return self.table

    def _show(self, prepared: PreparedImport) -> None:
        name = prepared.profile_name
        self.profile_label.setVisible(bool(name))
        if name:
            self.profile_label.setText(
                f"The saved mapping profile '{name}' was applied (its columns match this file)."
            )
        data = prepared.table.data
        lost = [
            h
            for h, t in self.w.user_mapping.items()
            if t in self.labels
            and t not in ("custom", "ignore")
            and any(c.header == h and c.target != t for c in prepared.mapping.columns)
        ]
        say(
            self.message,
            "".join(
                f"'{h}' is kept as a custom field: another column already imports as "
                f"{self.labels[self.w.user_mapping[h]]}. "
                for h in lost
            ),
            error=bool(lost),
        )
        self.table.setRowCount(len(prepared.mapping.columns))
        self.combos = {}
        for r, col in enumerate(prepared.mapping.columns):
            head = QTableWidgetItem(col.header)
            head.setFont(bold())
            self.table.setItem(r, 0, head)
            values = (
                [cell_text(v) for v in data[col.header].dropna().head(3)]
                if (col.header in data.columns)
                else []
            )
            self.table.setItem(r, 1, QTableWidgetItem(", ".join(values)))
            combo = QComboBox()
            for target, label in self.targets:
                if target == "custom" and col.custom_name:
                    label = f"{label} ({col.custom_name})"
                combo.addItem(label, target)
            combo.setCurrentIndex(combo.findData(col.target))
            combo.currentIndexChanged.connect(lambda _i, h=col.header: self._changed(h))
            self.table.setCellWidget(r, 2, combo)
            self.combos[col.header] = combo
            text, colour = BADGES.get(col.how, (col.how, "#555555"))
            badge = QTableWidgetItem(text)
            badge.setForeground(QColor(colour))
            badge.setFont(bold())
            self.table.setItem(r, 3, badge)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 260)
        self.table.resizeColumnToContents(3)

    def _changed(self, header: str) -> None:
        self.w.user_mapping[header] = self.combos[header].currentData()
        self.w.forget_choices_of(header)
        self.w.prepared = None
        self.prepare()

    def nextId(self) -> int:
        """The values step only when a column has a scale or words to decide."""
        return self.w.VALUES if has_choices(self.w.prepared) else self.w.VALIDATION

    def validatePage(self) -> bool:
        self.w.save_profile = self.profile_name.text().strip() or None
        return True
