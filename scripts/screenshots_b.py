"""Render the rule builder and the import wizard to PNG (offscreen), to look at them.

    python scripts/screenshots_b.py [--out docs/images]

Builds a demo portfolio in a temporary database, opens the rule builder on a two-level rule
(live count shown) and the import wizard on a messy CRM report at its mapping step.
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

from openpyxl import Workbook
from PySide6.QtWidgets import QApplication, QWizard

from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.ui.import_wizard import ImportWizard
from cspm.ui.rule_builder import RuleBuilderDialog

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
RULE = {
    "all": [
        {"field": "tier", "op": "in", "value": ["Enterprise", "Mid-Market"]},
        {"field": "renewal_date", "op": "within_next_days", "value": 120},
        {
            "any": [
                {"field": "health_score", "op": "<", "value": 60},
                {"field": "health_score", "op": "dropped_by", "value": 10, "since_days": 30},
                {"field": "seat_utilization", "op": "between", "value": [0, 0.5]},
            ]
        },
    ]
}


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get ready")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def messy_report(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    D = dt.datetime
    rows = [
        ["Customer Accounts by Renewal — Q4"],
        ["Filtered By: Account Owner equals Dana Scully"],
        [],
        ["Acct #", "Company name", "CSM", "ARR (converted)", "Renewal Dte", "Health",
         "Seats purchased", "Active seats", "Product Line", "Region Code"],
        ["ACC-101", "Acme Corp", "Dana Scully", "$120,000.00", D(2027, 1, 10), "Green", 100, 91,
         "Pro", "NA-E"],
        ["ACC-102", "Globex", "Dana Scully", "45,000", D(2027, 6, 30), 55, 40, 12, "Team",
         "EMEA"],
        ["ACC-103", "Initech", "Dana Scully", "12.5k", "31/02/2027", "Red", 25, 20, "Team",
         "NA-W"],
        [None, None, "Dana Scully", "1,000", None, None, None, None, None, None],
        ["ACC-105", "Umbrella", "Dana Scully", "n/a", D(2027, 3, 1), 70, 60, 58, "Pro", "APAC"],
        [],
        ["Grand Totals (5 records)"],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--extras", type=Path, help="also render the header and check steps here")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    from cspm.ui.gc_guard import GuiGarbageCollector

    GuiGarbageCollector(app)  # as the app does: cycles die on the GUI thread
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.sqlite3")
        load_demo(db, accounts=300, today=TODAY)
        ctx = AppContext.open(db, today=TODAY)
        try:
            dialog = RuleBuilderDialog(
                ctx, "Renewals at risk", "Big renewals coming up with weak health", RULE
            )
            dialog.resize(980, 560)
            dialog.show()
            wait_for(app, lambda: dialog.root is not None and dialog.is_ready())
            dialog.grab().save(str(args.out / "rule_builder.png"))
            print("rule builder:", dialog.count_label.text())
            dialog.close()

            wizard = ImportWizard(ctx, str(messy_report(Path(tmp) / "renewals.xlsx")))
            wizard.resize(980, 640)
            wizard.show()
            for page, ready in (
                (ImportWizard.HEADER, wizard.header_page.isComplete),
                (ImportWizard.KIND, wizard.kind_page.isComplete),
                (ImportWizard.MAPPING, wizard.mapping_page.isComplete),
            ):
                wait_for(app, wizard.button(QWizard.WizardButton.NextButton).isEnabled)
                wizard.next()
                wait_for(app, lambda p=page: wizard.currentId() == p)
                wait_for(app, ready)
                if args.extras and page == ImportWizard.HEADER:
                    args.extras.mkdir(parents=True, exist_ok=True)
                    wizard.grab().save(str(args.extras / "import_wizard_header.png"))
            wizard.grab().save(str(args.out / "import_wizard.png"))
            if args.extras:
                wizard.next()
                wait_for(app, lambda: wizard.currentId() == ImportWizard.VALIDATION)
                # the values preview and the big changes come from a worker
                wait_for(app, lambda: wizard.validation_page.changes_panel.changes is not None)
                wizard.grab().save(str(args.extras / "import_wizard_validation.png"))
            wizard.close()
        finally:
            ctx.close()
    print("wrote", args.out / "rule_builder.png", "and", args.out / "import_wizard.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
