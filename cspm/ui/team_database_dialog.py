"""Open a team database on a PostgreSQL server: its URL, and its password once if needed.

The password is best kept in `~/.pgpass`, which the PostgreSQL driver reads by itself (the
README's team section and `cspm db init-team` say how); then the box stays empty. Typed here,
it travels only in memory with this window's connection: never saved, never shown (window
titles and messages name the database, not the URL).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
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
        self.message = QLabel(
            "Ask the team database's owner for the URL (`cspm db init-team` prints it). "
            "A password typed here is used for this window only, never saved."
        )
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("Server URL:", self.url_edit)
        form.addRow("Password:", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)

    def _open(self) -> None:
        try:
            url = team_url(self.url_edit.text(), self.password_edit.text())
        except ValueError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #c62828; font-weight: 600;")
            return
        self.password_edit.clear()
        self.chosen.emit(url)
        self.accept()
