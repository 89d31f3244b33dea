"""Render the main screens of the demo portfolio to PNG (offscreen, `QWidget.grab()`).

Run: .venv/bin/python scripts/screenshots.py [--out docs/images] [--dark]

The demo goes into a temporary folder (XDG_DATA_HOME and the window's QSettings are redirected
there), so neither the user's data nor their window preferences are touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)


def _wait(app, until: Callable[[], bool], timeout: float = 120.0) -> None:
    import time

    end = time.monotonic() + timeout
    while not until():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish loading")
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def _dark_palette():
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#272727",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d7ab8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(disabled, role, QColor("#7a7a7a"))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--dark", action="store_true", help="also render with a dark palette")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="cspm-shots-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["CSPM_QSETTINGS_DIR"] = str(tmp / "qsettings")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.pop("CSPM_DB", None)
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWizard

    from cspm.service.context import AppContext
    from cspm.service.demo import load_demo
    from cspm.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["cspm"])

    from cspm.ui.gc_guard import GuiGarbageCollector

    GuiGarbageCollector(app)  # as the app does: cycles die on the GUI thread
    app.setStyle("Fusion")  # the same look on every machine that renders the docs
    print("building the demo portfolio…")
    summary = load_demo(today=TODAY)
    ctx = AppContext.open(summary.url, today=TODAY)
    saved: list[str] = []

    def shoot(widget, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = out / name
        widget.grab().save(str(path))
        saved.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))

    def render(suffix: str = "") -> None:
        window = MainWindow(ctx)
        window.resize(1280, 820)
        window.show()
        window.show_view("portfolio")
        _wait(app, lambda: window.summary is not None)
        shoot(window, f"portfolio{suffix}.png")

        view = window.portfolio
        view.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        view.set_filter("Enterprise", None)
        key = view.model.key_at(0)
        view.open_account(key)
        dialog = view.detail_dialog
        _wait(app, lambda: dialog is not None and dialog.detail is not None)
        dialog.resize(900, 1000)
        shoot(dialog, f"account_detail{suffix}.png")
        dialog.close()
        view.clear_filter()

        if "segments" in window.specs and not suffix:
            window.show_view("segments")
            segments = window.view("segments")
            _wait(app, lambda: segments.members.members_loaded_for is not None)
            shoot(window, "segments.png")
            try:
                from cspm.ui.rule_builder import RuleBuilderDialog

                builder = RuleBuilderDialog(
                    ctx,
                    "Renewals at risk",
                    "Renewing soon with poor health",
                    {
                        "all": [
                            {"field": "renewal_date", "op": "within_next_days", "value": 90},
                            {"field": "health_score", "op": "<", "value": 50},
                        ]
                    },
                    window,
                )
                builder.resize(820, max(320, builder.sizeHint().height()))
                builder.show()
                _wait(app, builder.is_ready)
                for _ in range(20):  # the live count arrives after the fields
                    app.processEvents()
                shoot(builder, "rule_builder.png")
                builder.close()
            except Exception as exc:  # B's dialog may still be in progress
                print(f"rule builder skipped: {exc}")
        if not suffix:
            try:
                from cspm.ui.import_wizard import ImportWizard

                sample = tmp / "accounts.csv"
                sample.write_text(
                    "Account ID,Account Name,Account Owner,ARR,Renewal Date,Health Score\n"
                    "ACC-1,Acme Corp,Dana,120000,2027-01-10,82\n"
                    "ACC-2,Globex,Dana,45000,2027-06-30,55\n",
                    encoding="utf-8",
                )
                wizard = ImportWizard(ctx, str(sample), window)
                wizard.resize(900, 620)
                wizard.show()
                next_button = wizard.button(QWizard.WizardButton.NextButton)
                # walk to the mapping page (each page reads in a worker), then shoot it
                for _ in range(4):
                    _wait(app, next_button.isEnabled, timeout=20)
                    if "each column" in wizard.currentPage().title():
                        break
                    wizard.next()
                _wait(app, lambda: True)
                shoot(wizard, "import_wizard.png")
                wizard.close()
            except Exception as exc:
                print(f"import wizard skipped: {exc}")
        window.close()
        window.deleteLater()
        app.processEvents()

    empty_ctx = AppContext.open(str(tmp / "empty.sqlite3"), today=TODAY)
    first_run = MainWindow(empty_ctx)
    first_run.resize(1000, 620)
    first_run.show()
    _wait(app, lambda: first_run.summary is not None)
    shoot(first_run, "first_run.png")
    first_run.close()
    empty_ctx.close()

    render()
    if args.dark:
        app.setPalette(_dark_palette())
        render("_dark")
    ctx.close()
    for path in saved:
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
