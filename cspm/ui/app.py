"""Starting the desktop window: QApplication, application context, main window.

Also the top-level exception handler every window shares (a readable dialog, the traceback in a
log file in the user log folder). The window's preferences store is `prefs`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from cspm.core.errors import CspmError
from cspm.service.context import AppContext

from .gc_guard import GuiGarbageCollector
from .prefs import APPLICATION, ORGANISATION

LOG_DIR_ENV = "CSPM_LOG_DIR"


def log_path() -> Path:
    """Where unexpected errors are written: the user log folder (CSPM_LOG_DIR overrides)."""
    folder = os.environ.get(LOG_DIR_ENV)
    if not folder:
        from platformdirs import user_log_dir

        folder = user_log_dir(APPLICATION, ORGANISATION)
    return Path(folder) / "cspm.log"


def write_log(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> Path:
    """Append the traceback with a timestamp; returns the log file's path."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{text}\n")
    return path


def _parent_window() -> QWidget | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    return app.activeWindow()


def handle_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """sys.excepthook: a CspmError is the user's to read; anything else is a bug, logged."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, CspmError):
        from .busy import show_error

        show_error(_parent_window(), str(exc))
        return
    try:
        path: Path | None = write_log(exc_type, exc, tb)
    except OSError:
        path = None
    sys.__excepthook__(exc_type, exc, tb)
    if QApplication.instance() is None:
        return
    where = f"The details were written to {path}." if path else "The details could not be saved."
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "cspm: unexpected error",
        f"Something went wrong that cspm did not expect:\n\n{exc_type.__name__}: {exc}\n\n"
        f"{where} Your data is unchanged unless the last action said it finished.",
        QMessageBox.StandardButton.Ok,
        _parent_window(),
    )
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def follow_system_colour_scheme(app: QApplication) -> None:
    """Light or dark as the system says (Qt's style hints); every colour the widgets draw is
    derived from the palette. The one platform style that ignores a dark scheme (the classic
    Windows style) gives way to Fusion, which draws the dark palette Qt provides."""
    if (
        app.styleHints().colorScheme() == Qt.ColorScheme.Dark
        and app.style().name().lower() == "windowsvista"
    ):
        app.setStyle("Fusion")


def install_exception_handler() -> None:
    sys.excepthook = handle_exception


def run_gui(db: str | None = None, *, demo: bool = False, today: dt.date | None = None) -> int:
    """Open the window on the chosen database; returns the process exit code."""
    existing = QApplication.instance()  # typed QCoreApplication: narrow it to the GUI app
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName("cspm")
    GuiGarbageCollector(app)  # cycles are collected on this thread only (see gc_guard)
    follow_system_colour_scheme(app)
    install_exception_handler()
    ctx = open_at_start(db, demo=demo, today=today)
    if ctx is None:
        return 2
    from .main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    code = app.exec()
    window.ctx.close()
    return int(code)


def open_at_start(
    db: str | None, *, demo: bool = False, today: dt.date | None = None
) -> AppContext | None:
    """The context for the window, or None after telling why not (one sentence, a dialog).

    A damaged database with automatic backups gets an offer to restore the newest one (the
    damaged file is kept beside them), so a window user has the way out without a terminal."""
    try:
        return AppContext.open(db, demo=demo, today=today)
    except CspmError as exc:
        error = exc
    from cspm.service.backup import list_backups, restore_backup, url_of

    url = url_of(db, demo=demo)
    newest = list_backups(url)[:1] if getattr(error, "kind", "") == "damaged" else []
    if not newest:
        QMessageBox.critical(None, "cspm", str(error))
        return None
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "cspm: damaged database",
        f"{error}\n\nRestore the newest backup, taken {newest[0].taken:%Y-%m-%d %H:%M} "
        f"({newest[0].reason})? The damaged file is kept beside the backups.",
    )
    box.setObjectName("cspm-restore-offer")
    restore = box.addButton("Restore and open", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    try:
        restore_backup(url, str(newest[0].path))
        return AppContext.open(db, demo=demo, today=today)
    except CspmError as exc:
        QMessageBox.critical(None, "cspm", str(exc))
        return None
