"""Render the Tasks view, the Trends view, the Export dialog and Settings to PNG (offscreen).

    python scripts/screenshots_c.py [--out docs/images] [--accounts 300] [--only settings]

Builds a demo portfolio in a temporary database (never the user's demo file), then shows the
task list with a task selected, the trends by tier per quarter with the changes panel, and the
export dialog opened from a segment as a QBR pack, and the Settings tabs for engagement and
capacity and for the health score.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from cspm.service.context import AppContext  # noqa: E402
from cspm.service.demo import load_demo  # noqa: E402
from cspm.ui.export_dialog import ExportDialog  # noqa: E402
from cspm.ui.settings_view import SettingsView  # noqa: E402
from cspm.ui.tasks_view import TasksView  # noqa: E402
from cspm.ui.trends_view import TrendsView  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the widget did not get ready")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument(
        "--only",
        choices=["settings"],
        help="render just these screens (the others stay as they are)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    from cspm.ui.gc_guard import GuiGarbageCollector

    GuiGarbageCollector(app)  # as the app does: cycles die on the GUI thread
    app.setStyle("Fusion")
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        db = str(Path(tmp) / "demo.sqlite3")
        print("building the demo portfolio…")
        load_demo(db, accounts=args.accounts, today=TODAY)
        ctx = AppContext.open(db, today=TODAY)
        try:
            settings = SettingsView(ctx)
            settings.resize(1100, 640)
            settings.show()
            wait_for(app, lambda: settings.saved is not None)
            for index, name in ((1, "settings_engagement.png"), (2, "settings_health.png")):
                settings.tabs.setCurrentIndex(index)
                wait_for(app, lambda: True)
                path = args.out / name
                settings.grab().save(str(path))
                saved.append(path)
            settings.close()
            if args.only == "settings":
                return 0

            tasks = TasksView(ctx)
            tasks.resize(1280, 760)
            tasks.show()
            wait_for(app, lambda: tasks.tasks is not None)
            tasks.table.selectRow(1)
            path = args.out / "tasks.png"
            tasks.grab().save(str(path))
            saved.append(path)
            print("tasks:", tasks.summary.text())
            tasks.close()

            trends = TrendsView(ctx)
            trends.resize(1280, 820)
            trends.show()
            wait_for(
                app,
                lambda: trends.table_frame is not None and trends.changes_panel.ready,
            )
            path = args.out / "trends.png"
            trends.grab().save(str(path))
            saved.append(path)
            print("trends:", trends.status.text())
            trends.close()

            dialog = ExportDialog(ctx, segment="At risk")
            dialog.show()
            wait_for(app, lambda: dialog.choices is not None)
            dialog.path_edit.setText(f"~/Documents/{dialog.default_name()}")
            dialog.adjustSize()
            path = args.out / "export_dialog.png"
            dialog.grab().save(str(path))
            saved.append(path)
            dialog.close()
        finally:
            QThreadPool.globalInstance().waitForDone(30_000)
            ctx.close()
            for path in saved:
                print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
