"""Render the account detail's related sections (subscriptions, contacts, open tickets, usage)
to PNG, light and dark, offscreen.

Run: .venv/bin/python scripts/render_account_related.py [--out docs/images]

Builds a temporary portfolio (the last four monthly snapshots of a generated one, imported as
real CSV files), gives the account whose ARR is nearest $120,000 a realistic set of related
rows (tests/related_rows.py: 3 subscriptions, 6 contacts, 4 tickets, 6 months of usage) and
shoots its detail scrolled to those sections. Writes account_detail_related.png and
account_detail_related_dark.png. Nothing of the user's data or preferences is touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="cspm-related-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["CSPM_QSETTINGS_DIR"] = str(tmp / "qsettings")
    os.environ["CSPM_CACHE_DIR"] = str(tmp / "cache")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from cspm.service.context import AppContext
    from cspm.service.demo import generate_demo
    from cspm.service.imports import ImportOptions, import_file
    from cspm.service.portfolio import list_accounts
    from cspm.service.serial_jobs import drain_all
    from cspm.ui.account_detail import AccountDetailDialog
    from cspm.ui.gc_guard import GuiGarbageCollector
    from tests.related_rows import sample_related
    from tests.ui.palettes import dark_palette

    app = QApplication.instance() or QApplication(["cspm"])
    GuiGarbageCollector(app)
    app.setStyle("Fusion")

    def settle(until=lambda: True) -> None:
        while not until():
            app.processEvents()
            time.sleep(0.01)  # a bare processEvents loop starves the worker
        for _ in range(10):
            app.processEvents()
            time.sleep(0.01)

    ctx = AppContext.open(str(tmp / "portfolio.sqlite3"), today=TODAY)
    for i, snap in enumerate(generate_demo(80, TODAY, months=13)[-4:]):
        path = tmp / f"accounts_{i}.csv"
        snap.frame.to_csv(path, index=False)
        import_file(ctx, path, ImportOptions(as_of=snap.as_of))
    frame = list_accounts(ctx)
    frame = frame[frame["health_score"].notna()]
    key = str((frame["arr"] - 120_000).abs().idxmin())
    domain = "".join(c for c in str(frame.at[key, "name"]).lower() if c.isalnum()) + ".com"
    sample_related(ctx, key, TODAY, domain=domain)

    args.out.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "_dark"):
        if suffix:
            app.setPalette(dark_palette())
        dialog = AccountDetailDialog(ctx, key)
        dialog.resize(1000, 1010)
        dialog.show()
        settle(lambda d=dialog: d.detail is not None)
        box = dialog.related_box
        assert box is not None
        top = box.mapTo(dialog.scroll_area.widget(), box.rect().topLeft()).y()
        dialog.scroll_area.verticalScrollBar().setValue(top - 8)
        settle()
        path = args.out / f"account_detail_related{suffix}.png"
        dialog.grab().save(str(path))
        print(path)
        dialog.close()
    QThreadPool.globalInstance().waitForDone(30_000)
    drain_all(30)
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
