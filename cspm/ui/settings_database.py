"""Settings tab part: the database (back up, open another, create a new one).

These act at once, unlike the rest of Settings (which waits for Save): backing up changes
nothing, and switching databases is the main window's job, asked for by `database_requested`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspm.service.backup import backup_database
from cspm.service.context import AppContext

from .busy import run
from .segments_view import message_of

DB_FILTER = "cspm databases (*.sqlite3 *.sqlite *.db);;All files (*)"


class DatabasePanel(QGroupBox):
    database_requested = Signal(str)  # a database file to open (existing or to be created)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Database", parent)
        self.ctx = ctx
        self.db_label = QLabel(ctx.db.display_name)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setWordWrap(True)
        self.backup_button = QPushButton("Back up database…")
        self.backup_button.setEnabled(ctx.db.is_sqlite)
        if not ctx.db.is_sqlite:
            self.backup_button.setToolTip("Back up a PostgreSQL database with pg_dump.")
        self.open_db_button = QPushButton("Open another database…")
        self.new_db_button = QPushButton("Create a new database…")
        self.db_message = QLabel()
        self.db_message.setWordWrap(True)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("Current database", self.db_label)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.open_db_button, self.new_db_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.db_message)
        hint = QLabel("These act at once; Save is not needed for them.")
        hint.setStyleSheet("color: #607d8b;")
        layout.addWidget(hint)

        self.backup_button.clicked.connect(self.back_up)
        self.open_db_button.clicked.connect(self.open_database)
        self.new_db_button.clicked.connect(self.new_database)

    @Slot()
    def back_up(self) -> None:
        default = f"cspm-backup-{self.ctx.today.isoformat()}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(self, "Back up database", default, DB_FILTER)
        if not path:
            return
        self._say("Backing up…")
        run(
            self,
            backup_database,
            self.ctx,
            Path(path),
            on_done=lambda p: self._say(f"Backed up to {p}."),
            on_error=lambda exc: self._say(message_of(exc), error=True),
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.db_message.setStyleSheet("color: #c62828; font-weight: 600;" if error else "")
        self.db_message.setText(text)

    @Slot()
    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a database", "", DB_FILTER)
        if path:
            self.database_requested.emit(path)

    @Slot()
    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Create a new database",
            "cspm.sqlite3",
            DB_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        if Path(path).exists():
            self._say(
                f"{Path(path).name} already exists; use “Open another database…” to open it.",
                error=True,
            )
            return
        self.database_requested.emit(path)
