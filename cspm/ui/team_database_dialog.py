"""Open a team database on a PostgreSQL server: its URL, and its password once if needed.

The password is best kept in the PostgreSQL password file (`~/.pgpass`), which the driver
reads by itself; then the box stays empty. Typed here, it is used in memory for this window's
connection only, unless "Remember" writes it to that file (`service.pgpass`), where the
command line and `psql` find it too. It is never shown: window titles and messages name the
database, not the URL. (The system keyring was not used: the PostgreSQL driver cannot read it,
so every command would need code of ours, and a headless Linux has none to offer.)
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.service import pgpass
from cspm.service.team_url import EXAMPLE, team_url

from .busy import run


class TeamDatabaseDialog(QDialog):
    """`chosen(url)` with the URL to open once OK is pressed on a valid one."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open team database")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(EXAMPLE)
        self.url_edit.setMinimumWidth(420)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty when it is in your .pgpass")
        self.remember_box = QCheckBox("Remember it in my PostgreSQL password file (.pgpass)")
        self.remember_box.setToolTip(
            "Written to the file every PostgreSQL tool reads (private to you): the next open, "
            "the command line and psql need no password."
        )
        self.message = QLabel(
            "Ask the team database's owner for the URL (`cspm db init-team` prints it). "
            "A password typed here is used for this window only, unless you ask to remember it."
        )
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("Server URL:", self.url_edit)
        form.addRow("Password:", self.password_edit)
        form.addRow("", self.remember_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)

    def _open(self) -> None:
        password = self.password_edit.text()
        remember = self.remember_box.isChecked() and bool(password)
        try:
            url = team_url(self.url_edit.text(), "" if remember else password)
        except ValueError as exc:
            self._failed(exc)
            return
        if remember:  # a file write: in a worker, then open
            self.buttons.setEnabled(False)
            on_done = functools.partial(self._chosen, url)
            run(self, pgpass.remember, url, password, on_done=on_done, on_error=self._failed)
            return
        self._chosen(url)

    def _chosen(self, url: str, *_: object) -> None:
        self.password_edit.clear()
        self.chosen.emit(url)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        text = str(exc) if isinstance(exc, ValueError | CspmError | OSError) else repr(exc)
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828; font-weight: 600;")
