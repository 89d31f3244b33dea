"""The validation step: counts of ready, warned and rejected rows, every problem listed, the
first rows' values as parsed beside the raw cells, and the big changes the import would make.

Nothing is written yet. Rejected rows block Next until the user ticks "Skip", so an import never
silently drops accounts; the list can be saved as CSV to take back to whoever owns the CRM.
Big changes (an ARR falling from $157,800 to $1,250, a tier or stage change, accounts not in the
file) block Next until the user ticks "I have reviewed these changes".
"""

from __future__ import annotations

import csv
import functools
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
    QTabWidget,
    QVBoxLayout,
    QWizardPage,
)

from cspm.core.related.kinds import ACCOUNTS

from ..busy import run
from .helpers import message_label, message_of, say
from .models import RowsModel
from .preview_panel import BigChangesPanel, ValuesPreview, links_sentence, preview_job

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
        self.preview = ValuesPreview()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Problems")
        self.tabs.addTab(self.preview, "Values as read (first rows)")
        self.changes_panel = BigChangesPanel()
        self.changes_panel.confirmed_changed.connect(self._changes_confirmed)
        self.comparing = QLabel("Comparing with the accounts already stored…")
        self.comparing.hide()
        self.links_label = QLabel()  # a related file: how its rows would link (a dry run)
        self.links_label.setWordWrap(True)
        self.links_label.hide()
        self.previewed: object | None = None  # the prepared import the previews are of
        lay = QVBoxLayout(self)
        lay.addLayout(counts)
        lay.addWidget(self.skipped_label)
        lay.addWidget(self.links_label)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bottom)
        lay.addWidget(self.comparing)
        lay.addWidget(self.changes_panel)
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
        self.tabs.setTabText(0, f"Problems ({len(problems):,})")
        self._start_preview()
        self._explain()

    def _start_preview(self) -> None:
        """The values preview and the big changes, in a worker (it reads the stored accounts)."""
        prepared = self.w.prepared
        if prepared is None or prepared is self.previewed:
            return  # Back and Next again on the same plan: the previews still hold
        self.previewed = prepared
        self.changes_panel.computing()
        self.comparing.setText(
            "Linking the rows to the stored accounts (nothing is written yet)…"
            if self.w.related
            else "Comparing with the accounts already stored…"
        )
        self.comparing.show()
        self.links_label.hide()
        self.completeChanged.emit()
        run(
            self,
            preview_job,
            self.w.ctx,
            prepared,
            self.w.kind or ACCOUNTS,
            on_done=functools.partial(self._previewed, prepared),
            on_error=self._preview_failed,
        )

    def _previewed(self, prepared: object, result: tuple[Any, Any, Any]) -> None:
        if prepared is not self.w.prepared:
            return  # a plan made since supersedes this one
        frame, changes, links = result
        self.comparing.hide()
        self.links_label.setText(links_sentence(links) if links is not None else "")
        self.links_label.setVisible(links is not None)
        self.preview.set_preview(frame)
        if self.w.prepared is not None and not self.w.prepared.plan.problems:
            self.tabs.setCurrentWidget(self.preview)  # nothing to fix: show what was read
        self.changes_panel.set_changes(changes)
        self._explain()
        self.completeChanged.emit()

    def _preview_failed(self, exc: BaseException) -> None:
        self.comparing.hide()
        self.previewed = None
        what = "link the rows to" if self.w.related else "compare with"
        say(self.why, f"Could not {what} the stored accounts: {message_of(exc)}", error=True)

    def _changes_confirmed(self) -> None:
        self._explain()
        self.completeChanged.emit()

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
        elif self.changes_panel.changes is not None and not self.changes_panel.ready():
            say(
                self.why,
                "This import changes some accounts a lot (listed above). Tick “I have "
                "reviewed these changes” to go on, or fix the file and start again.",
                error=True,
            )
        else:
            say(self.why, "")

    def isComplete(self) -> bool:
        plan = self.w.prepared.plan if self.w.prepared else None
        if plan is None or plan.frame.empty:
            return False
        if plan.rejected_rows and not self.skip_check.isChecked():
            return False
        return self.changes_panel.ready()

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
