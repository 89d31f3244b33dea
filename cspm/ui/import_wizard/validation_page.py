"""The validation step: counts of ready, warned and rejected rows, and every problem listed.

Nothing is written yet. Rejected rows block Next until the user ticks "Skip", so an import never
silently drops accounts; the list can be saved as CSV to take back to whoever owns the CRM.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from ..busy import run
from .helpers import message_label, message_of, say
from .models import RowsModel

if TYPE_CHECKING:
    from .wizard import ImportWizard


def _write_problems(problems: list[Any], path: Path) -> Path:
    """In a worker: the problems as CSV (with a BOM, so Excel opens accents correctly)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "column", "value", "message", "severity"])
        for p in problems:
            writer.writerow(
                ["" if x is None else x for x in (p.row, p.column, p.value, p.message, p.severity)]
            )
    return path


class ValidationPage(QWizardPage):
    """What the plan found, before anything is written; complete when there is something to
    import and every rejected row has been knowingly skipped."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check the values")
        self.setSubTitle("Every row was read and checked; nothing has been written yet.")
        self.ok_label, self.warn_label, self.rejected_label = QLabel(), QLabel(), QLabel()
        counts = QHBoxLayout()
        for label, colour in (
            (self.ok_label, "#2e7d32"),
            (self.warn_label, "#ef6c00"),
            (self.rejected_label, "#c62828"),
        ):
            label.setStyleSheet(f"color: {colour}; font-size: 13pt; font-weight: 600;")
            counts.addWidget(label)
        counts.addStretch(1)
        counts.setSpacing(28)
        self.skipped_label = QLabel()
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setStyleSheet("color: #607d8b;")
        self.model = RowsModel(["Row", "Column", "Value", "Problem", "Severity"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.save_button = QPushButton("Save problems as CSV…")
        self.skip_check = QCheckBox()
        self.why = message_label()
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_check)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addLayout(counts)
        lay.addWidget(self.skipped_label)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        lay.addWidget(self.why)
        self.skip_check.toggled.connect(self._skip_toggled)
        self.save_button.clicked.connect(self.save_problems)
        self.saved_to: Path | None = None

    def initializePage(self) -> None:
        prepared = self.w.prepared
        assert prepared is not None
        plan = prepared.plan
        rejected = len(plan.rejected_rows)
        ok = plan.rows_total - rejected
        warned = len({p.row for p in plan.warnings})
        self.ok_label.setText(f"✓ {ok:,} row{'' if ok == 1 else 's'} ready")
        self.warn_label.setText(
            f"⚠ {len(plan.warnings):,} warning{'' if len(plan.warnings) == 1 else 's'}"
            + (f" on {warned:,} row{'' if warned == 1 else 's'}" if warned else "")
        )
        self.rejected_label.setText(f"✕ {rejected:,} row{'' if rejected == 1 else 's'} rejected")
        skipped = prepared.table.skipped_rows
        self.skipped_label.setText(
            f"Header on row {prepared.table.header_row}; {len(skipped)} row"
            f"{'' if len(skipped) == 1 else 's'} below it left out (blank rows, report footers)."
            if skipped
            else f"Header on row {prepared.table.header_row}."
        )
        colours = {"error": QColor("#c62828"), "warning": QColor("#ef6c00")}
        problems = plan.problems
        self.model.set_rows(
            [(p.row, p.column, p.value, p.message, p.severity) for p in problems],
            [colours.get(p.severity, QColor("#1565c0")) for p in problems],
        )
        self.table.resizeColumnsToContents()
        self.save_button.setEnabled(bool(problems))
        self.skip_check.blockSignals(True)
        self.skip_check.setChecked(self.w.skip_invalid and rejected > 0)
        self.skip_check.blockSignals(False)
        self.skip_check.setVisible(rejected > 0)
        self.skip_check.setText(
            f"Skip the {rejected:,} rejected row{'' if rejected == 1 else 's'} "
            f"and import the other {ok:,}"
        )
        self._explain()

    def _skip_toggled(self, on: bool) -> None:
        self.w.skip_invalid = on
        self._explain()
        self.completeChanged.emit()

    def _explain(self) -> None:
        plan = self.w.prepared.plan if self.w.prepared else None
        if plan is None:
            return
        if plan.frame.empty:
            say(
                self.why,
                "No row can be imported: every row was rejected (see the table). "
                "Check the header row and the column mapping.",
                error=True,
            )
        elif plan.rejected_rows and not self.skip_check.isChecked():
            say(
                self.why,
                "Some rows cannot be imported (see the table). Tick “Skip…” to "
                "import the others, or fix the file and start again.",
                error=True,
            )
        else:
            say(self.why, "")

    def isComplete(self) -> bool:
        plan = self.w.prepared.plan if self.w.prepared else None
        if plan is None or plan.frame.empty:
            return False
        return not plan.rejected_rows or self.skip_check.isChecked()

    def save_problems(self) -> None:
        assert self.w.prepared is not None
        default = f"{self.w.prepared.path.stem}-problems.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Save problems", default, "CSV (*.csv)")
        if not path:
            return
        run(
            self,
            _write_problems,
            list(self.w.prepared.plan.problems),
            Path(path),
            on_done=self._saved,
            on_error=lambda exc: say(self.why, message_of(exc), error=True),
        )

    def _saved(self, path: Path) -> None:
        self.saved_to = path
        say(self.why, f"Problems saved to {path}.")
