"""Starting the desktop window: QApplication, application context, main window."""

from __future__ import annotations

import datetime as dt
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from cspm.core.errors import CspmError
from cspm.service.context import AppContext


def run_gui(db: str | None = None, *, demo: bool = False, today: dt.date | None = None) -> int:
    """Open the window on the chosen database; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("cspm")
    app.setOrganizationName("cspm")
    try:
        ctx = AppContext.open(db, demo=demo, today=today)
    except CspmError as exc:
        QMessageBox.critical(None, "cspm", str(exc))
        return 2
    from .main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    code = app.exec()
    ctx.close()
    return int(code)


def main() -> int:
    """`python main.py` / `cspm-gui`: the window on the default database."""
    from cspm.cli import main as cli_main

    return cli_main(["gui", *sys.argv[1:]])
