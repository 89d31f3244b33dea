"""Settings tab part: the database (back up, open another file or a team database on a
server, create a new one; the automatic backups, restoring one, a full integrity check).

These act at once, unlike the rest of Settings (which waits for Save): backing up changes
nothing, and switching databases is the main window's job, asked for by `database_requested`.
A restore rewrites the open file and then asks the window to open it again (the same signal),
so every view is rebuilt on the restored data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspm.service.backup import (
    SERVER_NOTE,
    BackupInfo,
    backup_database,
    backups_folder,
    list_backups,
    restore_backup,
)
from cspm.service.context import AppContext
from cspm.service.frame_cache import copies_allowed, forget_copies
from cspm.service.personal import DISK_COPIES, set_personal
from cspm.service.store_guard import CheckResult, check_database

from .busy import run
from .messages import confirm
from .segments_view import message_of

DB_FILTER = "cspm databases (*.sqlite3 *.sqlite *.db);;All files (*)"


def _set_disk_copies(url: str, on: bool) -> str:
    """The personal setting, and (off) this database's copies removed (in a worker)."""
    set_personal(DISK_COPIES, None if on else False)
    if on:
        return "Copies of large portfolios are kept on this computer again."
    gone = forget_copies(url)
    return f"No copies are kept on this computer now ({gone} removed)."


class DatabasePanel(QGroupBox):
    database_requested = Signal(str)  # a database file to open (existing or to be created)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Database", parent)
        self.ctx = ctx
        self.db_label = QLabel(ctx.db.name)  # the file's path (a server's URL, no password)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setWordWrap(True)
        self.backup_button = QPushButton("Back up database…")
        self.backup_button.setEnabled(ctx.db.is_sqlite)
        if not ctx.db.is_sqlite:
            self.backup_button.setToolTip("Back up a PostgreSQL database with pg_dump.")
        self.open_db_button = QPushButton("Open another database…")
        self.team_db_button = QPushButton("Open team database…")
        self.team_db_button.setToolTip("A PostgreSQL database your team shares")
        self.new_db_button = QPushButton("Create a new database…")
        self.copies_box = QCheckBox(
            "Keep copies of large portfolios on this computer (faster start)"
        )
        self.copies_box.setObjectName("disk-copies")
        self.copies_box.setToolTip(
            "Off: nothing of a portfolio is written to this computer's cache folder (a team's "
            "shared portfolio included) and each start reads the database. Yours only."
        )
        self.copies_box.setEnabled(False)  # until the personal setting is read (a worker)
        self.db_message = QLabel()
        self.db_message.setWordWrap(True)
        self.db_message.hide()  # shown when there is something to say: no blank line till then
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("Current database", self.db_label)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.open_db_button, self.team_db_button, self.new_db_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.copies_box)
        layout.addWidget(self.db_message)
        self.hint = QLabel("These act at once; Save is not needed for them.")
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # light or dark palette
        layout.addWidget(self.hint)
        layout.addWidget(self._backups_box())

        self.backup_button.clicked.connect(self.back_up)
        self.open_db_button.clicked.connect(self.open_database)
        self.team_db_button.clicked.connect(self.open_team_database)
        self.copies_box.toggled.connect(self.set_disk_copies)
        run(self, copies_allowed, on_done=self._show_copies)
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
        self.db_message.setVisible(bool(text))

    def _show_copies(self, on: bool) -> None:
        self.copies_box.blockSignals(True)
        self.copies_box.setChecked(on)
        self.copies_box.blockSignals(False)
        self.copies_box.setEnabled(True)

    @Slot(bool)
    def set_disk_copies(self, on: bool) -> None:
        """Saved at once, for this person on this computer; off also removes this database's
        copies already on disk."""
        run(
            self,
            _set_disk_copies,
            self.ctx.db.url,
            on,
            on_done=self._say,
            on_error=lambda exc: self._say(message_of(exc), error=True),
        )

    @Slot()
    def open_team_database(self) -> None:
        from .team_database_dialog import TeamDatabaseDialog

        dialog = TeamDatabaseDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.database_requested)
        self.team_dialog = dialog
        dialog.open()

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

    # ---- automatic backups, restore, check ---------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """Imports and saves since the panel was built took backups: list them afresh."""
        self.refresh_backups()
        super().showEvent(event)

    def _backups_box(self) -> QGroupBox:
        box = QGroupBox("Automatic backups")
        self.backups_note = QLabel()
        self.backups_note.setWordWrap(True)
        self.backups_list = QListWidget()
        self.backups_list.setMaximumHeight(140)
        self.restore_button = QPushButton("Restore selected backup…")
        self.check_button = QPushButton("Check database")
        self.check_button.setToolTip("A full integrity check of the database file.")
        file = self.ctx.db.file
        if file is None:
            self.backups_note.setText(SERVER_NOTE[0].upper() + SERVER_NOTE[1:] + ".")
            for w in (self.backups_list, self.restore_button, self.check_button):
                w.setEnabled(False)
        else:
            self.backups_note.setText(
                "Taken before each import, undo and settings save, in "
                f"{backups_folder(file)}; the newest are kept (how many: cspm settings set "
                "db.backups_kept N). Restoring keeps a copy of the file it replaces."
            )
        layout = QVBoxLayout(box)
        layout.addWidget(self.backups_note)
        layout.addWidget(self.backups_list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.restore_button.clicked.connect(self.ask_restore)
        self.check_button.clicked.connect(self.check)
        self.backups_list.itemSelectionChanged.connect(self._sync_restore)
        self.refresh_backups()
        return box

    @Slot()
    def refresh_backups(self) -> None:
        self.backups_list.clear()
        for b in list_backups(self.ctx.db.url):
            item = QListWidgetItem(
                f"{b.taken:%Y-%m-%d %H:%M:%S} · {b.reason} · {b.size / 1e6:.1f} MB"
            )
            item.setData(Qt.ItemDataRole.UserRole, b)
            item.setToolTip(str(b.path))
            self.backups_list.addItem(item)
        self._sync_restore()

    def _sync_restore(self) -> None:
        self.restore_button.setEnabled(bool(self.backups_list.selectedItems()))

    def selected_backup(self) -> BackupInfo | None:
        items = self.backups_list.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    @Slot()
    def ask_restore(self) -> None:
        backup = self.selected_backup()
        if backup is None:
            return
        confirm(
            self,
            "Restore a backup",
            f"Make {self.ctx.db.name} a copy of the backup taken {backup.taken:%Y-%m-%d %H:%M} "
            f"({backup.reason})? Everything changed since is replaced; the current file is "
            "kept as a backup.",
            lambda: self.restore(backup),
        )

    def restore(self, backup: BackupInfo) -> None:
        self._say("Restoring…")
        url = self.ctx.db.url

        def done(_result: object) -> None:
            self._say(f"Restored the backup taken {backup.taken:%Y-%m-%d %H:%M}.")
            self.refresh_backups()
            self.database_requested.emit(url)

        run(
            self,
            restore_backup,
            url,
            str(backup.path),
            on_done=done,
            on_error=lambda exc: self._say(message_of(exc), error=True),
            context=self.ctx,  # written under the database's lock, after the window's jobs
        )

    @Slot()
    def check(self) -> None:
        self._say("Checking…")

        def done(result: CheckResult) -> None:
            if result.problems:
                self._say(
                    f"{result.database} is damaged (integrity_check: {result.problems[0]}); "
                    "restore one of the backups below.",
                    error=True,
                )
            else:
                self._say("The database is sound (integrity_check found no problems).")

        run(
            self,
            check_database,
            self.ctx.db.url,
            on_done=done,
            on_error=lambda exc: self._say(message_of(exc), error=True),
            context=self.ctx,
        )
