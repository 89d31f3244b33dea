"""The small dialogs that act on a task or an account: log a touchpoint, snooze, dismiss.

All open window-modal with `open()` (never `exec()`). The touchpoint dialog saves itself
(`log_touchpoint` in a worker; an error stays in the dialog so nothing typed is lost); the
snooze and dismiss dialogs only collect a date or a reason for the caller to act on.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.service.accounts import account_names
from cspm.service.context import AppContext
from cspm.service.tasks import TOUCH_KINDS, log_touchpoint

from .busy import run

KIND_LABELS = {"call": "Call", "email": "Email", "meeting": "Meeting", "qbr": "QBR", "note": "Note"}
DISMISS_REASONS = (
    "Not relevant for this account",
    "Already handled outside cspm",
    "Duplicate of another task",
    "Customer asked us to wait",
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("dialog-error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


def account_text(key: str, name: str | None, external_id: str | None = None) -> str:
    """The account as a dialog names it: its name in bold, its ID small after it; the ID alone
    (bold) only when the account has no name."""
    shown_id = html.escape(str(external_id or key))
    if not name or name == key:
        return f"<b>{shown_id}</b>"
    return f"<b>{html.escape(name)}</b> <small>ID {shown_id}</small>"


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.rejected.connect(dialog.reject)
    return box


class TouchpointDialog(QDialog):
    """Log a call / email / meeting / QBR / note with an account (kind, date, note)."""

    logged = Signal(str)  # the account key, once saved

    def __init__(
        self,
        ctx: AppContext,
        account: str,
        parent: QWidget | None = None,
        *,
        account_name: str | None = None,
        kind: str = "call",
    ) -> None:
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.setWindowTitle("Log touchpoint")
        self.setObjectName("touchpoint-dialog")
        self.kind_combo = QComboBox()
        for k in TOUCH_KINDS:
            self.kind_combo.addItem(KIND_LABELS.get(k, k.title()), k)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.date_edit = QDateEdit(_qdate(ctx.today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(_qdate(ctx.today))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("What was discussed, what was agreed (optional)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(90)
        self.error_label = _error_label()
        self.account_label = QLabel(account_text(account, account_name))
        self.account_label.setObjectName("touchpoint-account")
        self.account_label.setTextFormat(Qt.TextFormat.RichText)
        if account_name:
            self.setWindowTitle(f"Log touchpoint — {account_name}")
        else:  # named by its key only: look the name up (a worker; the portfolio is cached)
            run(self, account_names, ctx, account, on_done=self._named, on_error=lambda _e: None)

        form = QFormLayout()
        form.addRow("Account:", self.account_label)
        form.addRow("Kind:", self.kind_combo)
        form.addRow("Date:", self.date_edit)
        form.addRow("Note:", self.note_edit)
        self.buttons = _buttons(self, "Log touchpoint")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _named(self, names: tuple[str, str | None, str | None]) -> None:
        key, name, external_id = names
        self.account_label.setText(account_text(key, name, external_id))
        if name:
            self.setWindowTitle(f"Log touchpoint — {name}")

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def day(self) -> dt.date:
        # PySide6's stubs type QDate.toPython() as object; it returns a datetime.date.
        return self.date_edit.date().toPython()  # type: ignore[return-value]

    def note(self) -> str | None:
        return self.note_edit.toPlainText().strip() or None

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.error_label.hide()
        run(
            self,
            log_touchpoint,
            self.ctx,
            self.account,
            self.kind(),
            self.day(),
            self.note(),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, key: str) -> None:
        self.logged.emit(key)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        text = str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}"
        self.error_label.setText(text)
        self.error_label.show()


class SnoozeDialog(QDialog):
    """Pick the date a task comes back (a week from today unless changed)."""

    chosen = Signal(object)  # dt.date

    def __init__(self, today: dt.date, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze task")
        self.setObjectName("snooze-dialog")
        self.date_edit = QDateEdit(_qdate(today + dt.timedelta(days=7)))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMinimumDate(_qdate(today + dt.timedelta(days=1)))
        text = QLabel(f"Hide <b>{title}</b> until:")
        text.setWordWrap(True)
        buttons = _buttons(self, "Snooze")
        buttons.accepted.connect(self._ok)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.date_edit)
        layout.addWidget(buttons)

    def day(self) -> dt.date:
        # PySide6's stubs type QDate.toPython() as object; it returns a datetime.date.
        return self.date_edit.date().toPython()  # type: ignore[return-value]

    def _ok(self) -> None:
        self.chosen.emit(self.day())
        self.accept()


class DismissDialog(QDialog):
    """Ask why a task is dismissed; the reason is kept with the task's history."""

    chosen = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dismiss task")
        self.setObjectName("dismiss-dialog")
        text = QLabel(f"Why is <b>{title}</b> not needed?")
        text.setWordWrap(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(DISMISS_REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line_edit = self.reason_combo.lineEdit()
        assert line_edit is not None  # an editable combo box always has one
        line_edit.setPlaceholderText("Type or pick a reason")
        self.reason_combo.setMinimumWidth(320)
        self.buttons = _buttons(self, "Dismiss task")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self._ok)
        self.reason_combo.currentTextChanged.connect(
            lambda t: self.ok_button.setEnabled(bool(t.strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason_combo)
        layout.addWidget(self.buttons)
        self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def _ok(self) -> None:
        if self.reason():
            self.chosen.emit(self.reason())
            self.accept()
