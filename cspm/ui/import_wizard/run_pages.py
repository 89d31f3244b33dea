"""The commit step: run the import in a worker (progress, cancel); `summary_page` follows.

The import is one transaction in the service, so Cancel (or closing the wizard) while it runs
leaves the database exactly as it was; the page says so.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from cspm.core.related.kinds import ACCOUNTS
from cspm.service.imports import ImportResult
from cspm.service.progress import CancelledError

from ..busy import run
from ..worker import Worker
from .helpers import message_label, message_of, say
from .kind_texts import KIND_TEXTS
from .plans import apply_plan

if TYPE_CHECKING:
    from .wizard import ImportWizard


ACCOUNTS_AS_OF = (
    "The values describe your accounts as of this date (usually the day the report was "
    "exported), so history and trends line up."
)
RELATED_AS_OF = (
    "The file is read as of this date (usually the day it was exported): every linked "
    "account gets its history from the file's dated rows up to it."
)


class RunPage(QWizardPage):
    """The commit page: the as-of date, then the import with a progress bar and Cancel."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Import")
        self.setSubTitle(ACCOUNTS_AS_OF)
        self.setCommitPage(True)
        today = wizard.ctx.today
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setMaximumDate(QDate(today.year, today.month, today.day))  # no future dates
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.step = QLabel()
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.hide()
        self.message = message_label()
        form = QFormLayout()
        form.addRow("As of", self.as_of)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.what)
        lay.addLayout(row)
        lay.addWidget(self.step)
        lay.addWidget(self.message)
        lay.addStretch(1)
        self.worker: Worker | None = None
        self.cancel_button.clicked.connect(self.cancel)

    def initializePage(self) -> None:
        prepared = self.w.prepared
        assert prepared is not None
        plan = prepared.plan
        n = len(plan.frame)
        sheet = f" (sheet '{prepared.raw.sheet}')" if prepared.raw.sheet else ""
        kind = self.w.kind or ACCOUNTS
        rows = f"row{'' if n == 1 else 's'}"
        what = f"account {rows}" if kind == ACCOUNTS else f"{rows} of {KIND_TEXTS[kind].noun}"
        self.setSubTitle(ACCOUNTS_AS_OF if kind == ACCOUNTS else RELATED_AS_OF)
        self.what.setText(
            f"Import <b>{n:,}</b> {what} from <b>{prepared.path.name}</b>{sheet}."
            + (
                f" {len(plan.rejected_rows):,} rejected rows are skipped."
                if plan.rejected_rows
                else ""
            )
            + (
                f" The mapping is saved as profile '{self.w.save_profile}'."
                if self.w.save_profile
                else ""
            )
        )
        say(self.message, "")

    def running(self) -> bool:
        return self.worker is not None

    def isComplete(self) -> bool:
        # Import waits for the big changes to be confirmed (the validation page asks)
        return not self.running() and self.w.validation_page.changes_panel.ready()

    def validatePage(self) -> bool:
        if self.w.import_result is not None:
            return True
        if not self.running():
            self.start()
        return False

    def start(self) -> None:
        options = self.w.import_options()
        d = self.as_of.date()
        options.as_of = dt.date(d.year(), d.month(), d.day())
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.as_of.setEnabled(False)
        say(self.message, "")
        self.worker = run(
            self,
            apply_plan,
            self.w.ctx,
            self.w.prepared,
            options,
            with_progress=True,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )
        self.completeChanged.emit()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.step.setText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.step.setText(message)

    def _finish(self) -> None:
        self.worker = None
        self.cancel_button.hide()
        self.as_of.setEnabled(True)
        self.completeChanged.emit()

    def _done(self, result: ImportResult) -> None:
        self._finish()
        if result.status == "refused":
            self.progress.hide()
            reasons = "; ".join(p.sentence() for p in result.problems if p.severity == "error")
            say(self.message, f"The import was refused: {reasons}", error=True)
            return
        if result.status == "already_imported":  # nothing written; another date would be new
            self.progress.hide()
            self.step.setText("")
            message = result.message or ""
            say(self.message, message[:1].upper() + message[1:] + ".")
            return
        self.w.import_result = result
        self.w.imported.emit(result)
        self.w.next()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.hide()
        self.step.setText("")
        if isinstance(exc, CancelledError):
            say(self.message, "Import cancelled; nothing was changed.")
        else:
            say(self.message, message_of(exc) + " Nothing was changed.", error=True)
