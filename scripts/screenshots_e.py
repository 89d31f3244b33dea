"""Render the evidence screens (issue 18) to PNG (offscreen), to look at them.

    python scripts/screenshots_e.py [--out docs/images]

Builds the 300-account demo in a temporary database (never the user's demo file), then shows:
- the Forecast view: totals by tier, the renewing accounts, one with a CSM's call
  -> forecast.png;
- the Insights view with the demo's planted industry and the engagement table -> insights.png;
- Settings > Health score scrolled to the track record, the what-if of an edited red band and the
  suggested weights -> settings_health_evidence.png;
- Edit > Review tiers -> review_tiers.png.
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

from PySide6.QtWidgets import QApplication, QScrollArea, QWidget  # noqa: E402

from cspm.service.context import AppContext  # noqa: E402
from cspm.service.demo import load_demo  # noqa: E402
from cspm.service.forecast import forecast_rows, set_forecast  # noqa: E402
from cspm.ui.forecast_view import ForecastView  # noqa: E402
from cspm.ui.insights_view import InsightsView  # noqa: E402
from cspm.ui.settings_view import SettingsView  # noqa: E402
from cspm.ui.tier_review_dialog import TierReviewDialog  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the widget did not get ready")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def shoot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print("wrote", path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CSPM_CACHE_DIR"] = str(Path(folder) / "cache")
        db = str(Path(folder) / "demo.sqlite3")
        load_demo(db, accounts=300, today=TODAY)
        ctx = AppContext.open(db, today=TODAY)
        rows = forecast_rows(ctx)
        big = rows[rows["category"] == "Likely"].sort_values("arr_up").iloc[-1]
        call = {"category": "At risk", "amount": float(big["arr_up"]) * 0.6}
        set_forecast(ctx, str(big["key"]), str(big["quarter"]), **call, reason="champion left")

        view = ForecastView(ctx)
        view.resize(1180, 760)
        view.show()
        wait_for(app, lambda: view.model.rowCount() > 0)
        shoot(view, out / "forecast.png")

        insights = InsightsView(ctx)
        insights.resize(1180, 720)
        insights.show()
        wait_for(app, lambda: insights.report is not None)
        shoot(insights, out / "insights.png")

        settings = SettingsView(ctx)
        settings.resize(1180, 900)
        settings.show()
        settings.tabs.setCurrentIndex(2)
        evidence = settings.health_evidence
        wait_for(app, lambda: evidence.report is not None)
        wait_for(app, lambda: "change colour" in evidence.what_if.text())
        settings.health.red_below.setValue(60)
        wait_for(app, lambda: " 0 accounts change" not in evidence.what_if.text()
                 and "change colour" in evidence.what_if.text())  # fmt: skip
        page = settings.tabs.currentWidget()
        assert isinstance(page, QScrollArea)
        page.ensureWidgetVisible(evidence, 0, 0)
        page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
        wait_for(app, lambda: True)
        shoot(settings, out / "settings_health_evidence.png")

        review = TierReviewDialog(ctx)
        review.show()
        wait_for(app, lambda: review.table.rowCount() > 0)
        shoot(review, out / "review_tiers.png")
        ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
