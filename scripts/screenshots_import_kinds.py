"""Render the import wizard's kind-aware pages to PNG (offscreen), to look at them.

Run: .venv/bin/python scripts/screenshots_import_kinds.py [--out docs/images] [--extras DIR]

A temporary database gets three accounts, then the wizard takes a billing tool's subscriptions
export: the kind page ("This looks like a subscriptions file ...") is saved as
`import_kind.png`; with `--extras`, the mapping, validation and summary pages too, each in the
light and the dark palette.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

from cspm.service.context import AppContext  # noqa: E402
from cspm.service.imports import import_file  # noqa: E402
from cspm.ui.import_wizard import ImportWizard  # noqa: E402
from tests.ui import kind_files  # noqa: E402
from tests.ui.palettes import dark_palette  # noqa: E402


def wait_for(app: QApplication, ready: Callable[[], bool], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not ready():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the wizard did not get there")
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def walk(app: QApplication, wizard: ImportWizard, to: int) -> None:
    """Next until page `to` is shown and complete (each page works in a worker)."""
    button = wizard.button(QWizard.WizardButton.NextButton)
    while wizard.currentId() != to:
        wait_for(app, button.isEnabled)
        page = wizard.currentId()
        wizard.next()
        wait_for(app, lambda p=page: wizard.currentId() != p)
    wait_for(app, wizard.currentPage().isComplete)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--extras", type=Path, default=None)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = AppContext.open(str(folder / "demo.sqlite3"), today=dt.date(2026, 11, 23))
        try:
            import_file(ctx, kind_files.accounts_csv(folder / "Account.csv"))
            path = kind_files.subscriptions_csv(folder / "subscriptions.csv")
            for suffix, palette in (("", None), ("_dark", dark_palette())):
                wizard = ImportWizard(ctx, str(path))
                if palette is not None:
                    wizard.setPalette(palette)
                wizard.resize(940, 660)
                wizard.show()
                walk(app, wizard, ImportWizard.KIND)
                args.out.mkdir(parents=True, exist_ok=True)
                if not suffix:
                    wizard.grab().save(str(args.out / "import_kind.png"))
                if args.extras:
                    args.extras.mkdir(parents=True, exist_ok=True)
                    wizard.grab().save(str(args.extras / f"import_kind{suffix}.png"))
                    walk(app, wizard, ImportWizard.MAPPING)
                    wizard.grab().save(str(args.extras / f"import_kind_mapping{suffix}.png"))
                    walk(app, wizard, ImportWizard.VALIDATION)
                    page = wizard.validation_page
                    wait_for(app, lambda p=page: p.changes_panel.changes is not None)
                    wizard.grab().save(str(args.extras / f"import_kind_validation{suffix}.png"))
                    if not suffix:
                        walk(app, wizard, ImportWizard.RUN)
                        wizard.next()
                        wait_for(app, lambda w=wizard: w.currentId() == ImportWizard.SUMMARY)
                        wizard.grab().save(str(args.extras / "import_kind_summary.png"))
                wizard.close()
        finally:
            ctx.close()
    print("wrote", args.out / "import_kind.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
