"""Render the screens added for issues 11 and 12 to PNG (offscreen), to look at them.

    python scripts/screenshots_d.py [--out docs/images] [--dark]

Builds a demo portfolio in a temporary database (never the user's demo file), then shows:
- the import wizard's values step ("What do the values mean?") on a CRM export whose Status
  column says Active / Closed Lost / Non-renewing / Former customer and whose NPS column holds
  account NPS values (-20..45) -> import_wizard_values.png;
- Settings > Currency with two rates typed in -> settings_currency.png;
- Settings > Files & database with three automatic backups listed -> settings_database.png;
- the account detail of the live account with the fewest health signals (coverage such as
  "4 of 6 signals", or "Not enough data") -> account_detail_coverage.png.
With --dark the same screens are rendered again with the dark palette of screenshots.py, as
*_dark.png in a temporary folder printed at the end (to look at, not for the README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QDate, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

from cspm.service.backup import backup_database, backups_folder  # noqa: E402
from cspm.service.context import AppContext  # noqa: E402
from cspm.service.demo import load_demo  # noqa: E402
from cspm.service.portfolio import load_portfolio  # noqa: E402
from cspm.ui.account_detail import AccountDetailDialog  # noqa: E402
from cspm.ui.import_wizard import ImportWizard  # noqa: E402
from cspm.ui.settings_view import SettingsView  # noqa: E402

TODAY = dt.date(2026, 11, 23)
# A HubSpot-style company export: lifecycle words in Status, account NPS in NPS (-100..100).
VALUES_CSV = """\
Record ID,Company name,Company owner,ARR,Renewal Date,Status,NPS
90211,Acme Corp,Dana Scully,120000,2027-01-10,Active,45
90212,Globex,Dana Scully,45000,2027-06-30,Active,12
90213,Initech,Fox Mulder,12500,2027-02-28,Non-renewing,-20
90214,Umbrella,Fox Mulder,88000,2027-03-01,Active,31
90215,Hooli,Dana Scully,23000,2026-12-15,Closed Lost,-8
90216,Vehement Capital,Fox Mulder,9000,2026-10-01,Former customer,
90217,Soylent,Dana Scully,61000,2027-05-20,Active,38
90218,Massive Dynamic,Fox Mulder,150000,2027-09-30,Non-renewing,5
90219,Wayne Enterprises,Dana Scully,210000,2027-04-12,Active,27
90220,Stark Industries,Fox Mulder,33000,2026-09-15,Closed Lost,-15
"""


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the widget did not get ready")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def values_step(app: QApplication, ctx: AppContext, folder: Path) -> ImportWizard:
    """The wizard walked to its values step on VALUES_CSV."""
    sample = folder / "hubspot-companies.csv"
    sample.write_text(VALUES_CSV, encoding="utf-8")
    wizard = ImportWizard(ctx, str(sample))
    wizard.resize(980, 720)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    for _ in range(6):
        wait_for(app, next_button.isEnabled)
        if wizard.currentId() == ImportWizard.VALUES:
            break
        wizard.next()
    if wizard.currentId() != ImportWizard.VALUES:
        raise RuntimeError(f"the wizard stopped at page {wizard.currentId()}, not the values")
    wait_for(app, wizard.values_page.isComplete)
    return wizard


def take_backups(ctx: AppContext) -> None:
    """Three automatic backups with fixed stamps (named as take_rolling_backup names them), in
    place of the ones the demo's imports took just now (their stamps change every run)."""
    assert ctx.db.file is not None
    folder = backups_folder(ctx.db.file)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for stamp, action in (
        ("2026-11-16T090412.000000", "import"),
        ("2026-11-20T163008.000000", "undo"),
        ("2026-11-23T083055.000000", "settings"),
    ):
        backup_database(ctx, folder / f"{stamp}-before-{action}.sqlite3")


def thin_account(ctx: AppContext) -> str:
    """An account whose health has too few signals for a computed score, else the biggest
    paying live account with the fewest signals (in the demo: "4 of 6 signals")."""
    frame = load_portfolio(ctx).frame
    thin = frame[frame["health_source"] == "insufficient"]
    if thin.empty:
        live = frame[
            (frame["lifecycle_stage"] != "Churned")
            & (frame["health_signals"] > 0)
            & (frame["arr"] > 0)
        ]
        thin = live.sort_values(["health_signals", "arr"], ascending=[True, False])
    return str(thin.index[0])


def show_rates(settings: SettingsView) -> None:
    """Two rates typed in the Currency tab (not saved), so its table is not empty."""
    editor = settings.currency
    for code, rate, day in (("EUR", 1.0812, (2026, 10, 1)), ("GBP", 1.2694, (2026, 10, 1))):
        editor.add_rate()
        row = editor.rows[-1]
        row.code.setText(code)
        row.rate.setValue(rate)
        row.effective.setDate(QDate(*day))
        row.code.clearFocus()  # no text cursor in the picture


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--dark", action="store_true", help="also render with a dark palette")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    from cspm.ui.gc_guard import GuiGarbageCollector

    GuiGarbageCollector(app)  # as the app does: cycles die on the GUI thread
    app.setStyle("Fusion")
    saved: list[Path] = []
    tmp = Path(tempfile.mkdtemp(prefix="cspm-shots-d-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    # a stable path: Settings > Files & database shows it
    home = Path(tempfile.gettempdir()) / "cspm-screenshots"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    db = str(home / "portfolio.sqlite3")
    print("building the demo portfolio…")
    load_demo(db, accounts=args.accounts, today=TODAY)
    ctx = AppContext.open(db, today=TODAY)
    take_backups(ctx)

    def shoot(widget: QWidget, folder: Path, name: str) -> None:
        wait_for(app, lambda: True)
        path = folder / name
        widget.grab().save(str(path))
        saved.append(path)

    def render(folder: Path, suffix: str) -> None:
        wizard = values_step(app, ctx, tmp)
        shoot(wizard, folder, f"import_wizard_values{suffix}.png")
        wizard.close()

        settings = SettingsView(ctx)
        settings.resize(1100, 640)
        settings.show()
        wait_for(app, lambda: settings.saved is not None)
        for index in range(settings.tabs.count()):
            label = settings.tabs.tabText(index)
            name = {"Currency": "currency", "Files && database": "database"}.get(label)
            if name is not None:
                settings.tabs.setCurrentIndex(index)
                if name == "currency" and not settings.currency.rows:
                    show_rates(settings)
                if name == "database":
                    settings.database.backups_list.setCurrentRow(1)
                shoot(settings, folder, f"settings_{name}{suffix}.png")
        settings.close()

        dialog = AccountDetailDialog(ctx, thin_account(ctx))
        dialog.resize(900, 760)
        dialog.show()
        wait_for(app, lambda: dialog.detail is not None)
        shoot(dialog, folder, f"account_detail_coverage{suffix}.png")
        dialog.close()

    try:
        render(args.out, "")
        if args.dark:
            from screenshots import _dark_palette  # type: ignore[import-not-found]

            app.setPalette(_dark_palette())
            render(tmp, "_dark")
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)
        ctx.close()
    for path in saved:
        print("wrote", path)
    shutil.rmtree(home, ignore_errors=True)
    if not args.dark:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
