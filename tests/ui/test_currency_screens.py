"""The portfolio currency in the window: the Currency settings tab saves code, symbol, format
and rates; the table, heading, matrix and account detail write amounts that way, and show an
account whose currency has no rate in its own currency, left out of the totals."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.imports import ImportOptions, import_file
from cspm.service.settings import get_settings, remove_rates, set_rates, set_value
from cspm.ui.account_detail import AccountDetailDialog
from cspm.ui.account_table import COLUMN_IDS
from tests.files import write_csv
from tests.ui.test_portfolio_view import open_view
from tests.ui.test_settings_editors import open_settings, save

ROWS = [
    ["Account ID", "Account Name", "Account Owner", "ARR", "Currency", "Health Score"],
    ["A-1", "Alpha GmbH", "Dana", "45000", "EUR", "70"],
    ["A-2", "Beta Inc", "Dana", "150000", "USD", "60"],
    ["A-3", "Gamma Ltd", "Fox", "30000", "GBP", "50"],
]


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def _shot(widget, name: str) -> None:
    """Keep a picture of the screen when CSPM_SCREENSHOTS names a folder (for review)."""
    folder = os.environ.get("CSPM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def multi_currency(ctx, tmp_path: Path):
    set_rates(ctx, [("EUR", 1.08)], dt.date(2026, 1, 1))
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 11, 1)))
    return ctx


def test_the_currency_tab_saves_code_symbol_format_and_rates(qtbot, ctx) -> None:
    view = open_settings(qtbot, ctx)
    view.resize(900, 800)
    tab = view.currency
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    view.tabs.setCurrentIndex(titles.index("Currency"))
    tab.code.selectAll()
    qtbot.keyClicks(tab.code, "EUR")
    assert tab.symbol.text() == "€"  # the code brings its usual symbol
    tab.placement.setCurrentIndex(tab.placement.findData("symbol_after"))
    tab.separators.setCurrentIndex(tab.separators.findData("1.234,56"))
    assert tab.example.text() == "1.250.000,50 €  ·  1.250.000 €  ·  1,3M €"
    qtbot.mouseClick(tab.add_rate_button, Qt.MouseButton.LeftButton)
    row = tab.rows[-1]
    qtbot.keyClicks(row.code, "usd")
    row.rate.setValue(0.92)
    _shot(view, "settings-currency")
    save(qtbot, view)
    currency = get_settings(ctx).currency
    assert (currency.code, currency.symbol, currency.format) == ("EUR", "€", "symbol_after")
    assert [(r.currency, r.rate, r.effective) for r in currency.rates] == [
        ("USD", 0.92, ctx.today.isoformat())
    ]
    # the tier minimums follow the currency
    assert view.rows[0].min_arr.suffix() == " €"


def test_a_bad_rate_saves_nothing(qtbot, ctx) -> None:
    view = open_settings(qtbot, ctx)
    tab = view.currency
    qtbot.mouseClick(tab.add_rate_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.rows[-1].code, "EU")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not saved"), timeout=20_000)
    assert "'EU' is not a currency code" in view.message.text()
    assert get_settings(ctx).currency.rates == ()


def test_the_portfolio_shows_converted_and_unconverted_amounts(qtbot, multi_currency) -> None:
    ctx = multi_currency
    view = open_view(qtbot, ctx)
    assert "ARR $198,600" in view.heading.text()
    assert "1 account in other currencies left out (no rate)" in view.heading.text()
    arr = COLUMN_IDS.index("arr")
    cells = {
        view.model.key_at(r): view.model.index(r, arr).data() for r in range(view.model.rowCount())
    }
    assert cells == {
        "A-1": "$48,600",
        "A-2": "$150,000",
        "A-3": "⚠ £30,000",
    }
    flagged = next(r for r in range(view.model.rowCount()) if view.model.key_at(r) == "A-3")
    tip = view.model.index(flagged, arr).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "£30,000 (GBP: no rate, not in totals)"
    _shot(view, "portfolio-currency")

    dialog = AccountDetailDialog(ctx, "A-1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    assert "ARR $48,600  ·  €45,000 (converted at 1.08)" in dialog.subtitle.text()
    _shot(dialog, "account-detail-converted")
    dialog.show_account("A-3")
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.key == "A-3", timeout=30_000)
    qtbot.waitUntil(lambda: "GBP" in dialog.subtitle.text(), timeout=30_000)
    assert "ARR £30,000 (GBP: no rate, not in totals)" in dialog.subtitle.text()
    _shot(dialog, "account-detail-no-rate")


def test_the_window_follows_the_portfolio_currency(qtbot, multi_currency) -> None:
    ctx = multi_currency
    remove_rates(ctx, "EUR")
    set_value(ctx, "currency.code", "EUR")
    set_value(ctx, "currency.format", "symbol_after")
    view = open_view(qtbot, ctx)
    assert "ARR 198,600 €" in view.heading.text()  # amounts stay as converted on import
    matrix = view.matrix.model_
    texts = [
        matrix.index(r, c).data()
        for r in range(matrix.rowCount())
        for c in range(matrix.columnCount())
    ]
    assert "1\n150K €" in texts
    _shot(view, "portfolio-eur")


def test_the_account_table_formats_any_amount() -> None:
    """Issue 12: the table's ARR cells (formatted per cell and per column) never raise."""
    import numpy as np
    import pandas as pd

    from cspm.ui.table_data import prepare_table

    arr = [float("nan"), float("inf"), float("-inf"), 1e308, -0.0, 1e17, -5e-324, 1200.0]
    frame = pd.DataFrame(
        {"name": [f"A{i}" for i in range(len(arr))], "arr": arr, "tier": "SMB"},
        index=[f"k{i}" for i in range(len(arr))],
    )
    data = prepare_table(frame, ["SMB"])
    column = COLUMN_IDS.index("arr")
    cells = [data.cell_text(column, row) for row in range(len(arr))]
    assert cells == ["", "$∞", "-$∞", "$1e+308", "$0", "$100,000,000,000,000,000", "$0", "$1,200"]
    assert data.column_text(column).tolist() == cells
    assert np.isnan(data.sort_key(column)[0])
