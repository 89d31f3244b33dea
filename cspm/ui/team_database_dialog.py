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
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from cspm.core.errors import CspmError
from cspm.service import pgpass

from .busy import run

EXAMPLE = "postgresql://you@db.example.com:5432/cs_team"


def team_url(text: str, password: str) -> str:
    """The URL to open, the password put in; a sentence (ValueError) when it is not one."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise ValueError(
            f"'{text.strip()}' is not a database URL; it looks like {EXAMPLE}."
        ) from None
    if url.get_backend_name() != "postgresql" or not url.database or not url.host:
        raise ValueError(f"Give a PostgreSQL server's URL with host and database: {EXAMPLE}.")
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


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
