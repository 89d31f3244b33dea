"""The Portfolio view on a real imported portfolio: matrix, filters, sorting, columns.

The model is also tested alone: sorting puts missing values last both ways, narrowing a search
gives the same rows as a fresh one, and the health tints stay readable on a dark palette.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QMenu

from cspm.core.demo import generate_demo
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.summary import portfolio_summary
from cspm.ui.account_table import (
    COLUMN_IDS,
    SORT_ROLE,
    AccountTableModel,
    band_brushes,
    prepare_table,
)
from cspm.ui.portfolio_view import PortfolioView
from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's QSettings and error log go to a temp folder, never the user's."""
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def build_portfolio(ctx, folder: Path, accounts: int = 80) -> None:
    """Import the last snapshot of a generated portfolio (a real CSV through the service)."""
    snapshot = generate_demo(accounts, TODAY, months=13)[-1]
    path = folder / "accounts.csv"
    snapshot.frame.to_csv(path, index=False)
    assert import_file(ctx, path).status == "imported"


def open_view(qtbot, ctx) -> PortfolioView:
    view = PortfolioView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitUntil(lambda: view.data is not None, timeout=30_000)
    return view


def click_cell(qtbot, view: PortfolioView, tier: str, stage: str) -> None:
    m = view.matrix
    index = m.model_.index(m.model_.tiers.index(tier), m.model_.stages.index(stage))
    qtbot.mouseClick(m.viewport(), Qt.MouseButton.LeftButton, pos=m.visualRect(index).center())


def click_header(qtbot, header, section: int) -> None:
    if header.orientation() == Qt.Orientation.Horizontal:
        pos = QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, 5)
    else:
        pos = QPoint(5, header.sectionViewportPosition(section) + header.sectionSize(section) // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)


@pytest.fixture
def view(qtbot, ctx, tmp_path: Path) -> PortfolioView:
    build_portfolio(ctx, tmp_path)
    return open_view(qtbot, ctx)


def test_matrix_shows_the_service_counts_in_band_and_lifecycle_order(view, ctx) -> None:
    summary = portfolio_summary(ctx)
    m = view.matrix.model_
    assert m.tiers == list(summary.matrix.index)
    assert m.stages == list(summary.matrix.columns)
    for r, tier in enumerate(m.tiers):
        for c, stage in enumerate(m.stages):
            count, _arr = summary.matrix.loc[tier, stage]
            shown = m.data(m.index(r, c))
            assert (int(shown.split("\n")[0]) if shown else 0) == count
    assert view.model.rowCount() == summary.accounts
    assert view.heading.text().startswith(f"{summary.accounts} accounts")


def test_clicking_a_cell_filters_to_that_tier_and_stage(qtbot, view, ctx) -> None:
    summary = portfolio_summary(ctx)
    tier, stage = next(
        (t, s)
        for t in summary.matrix.index
        for s in summary.matrix.columns
        if summary.matrix.loc[t, s][0] > 1
    )
    click_cell(qtbot, view, tier, stage)
    expected = list_accounts(ctx, tier=tier, stage=stage)
    assert set(view.model.visible_keys()) == set(expected.index)
    assert set(view.model.column_text("tier")) == {tier}
    assert set(view.model.column_text("lifecycle_stage")) == {stage}
    assert view.clear_filter_button.isEnabled()
    assert f"Showing {len(expected)} of" in view.filter_label.text()

    qtbot.mouseClick(view.clear_filter_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == summary.accounts
    assert not view.clear_filter_button.isEnabled()


def test_row_and_column_headers_filter_by_tier_and_by_stage(qtbot, view, ctx) -> None:
    m = view.matrix.model_
    tier = m.tiers[1]
    click_header(qtbot, view.matrix.verticalHeader(), 1)
    assert set(view.model.visible_keys()) == set(list_accounts(ctx, tier=tier).index)

    stage = m.stages[3]
    click_header(qtbot, view.matrix.horizontalHeader(), 3)
    assert set(view.model.visible_keys()) == set(list_accounts(ctx, stage=stage).index)
    assert view.model.filter == (None, stage)


def _arr_of_visible(view, ctx) -> np.ndarray:
    arr = list_accounts(ctx)["arr"]
    return arr.loc[view.model.visible_keys()].to_numpy(dtype=float)


def test_header_click_sorts_by_arr_both_ways_missing_last(qtbot, view, ctx) -> None:
    header = view.table.horizontalHeader()
    arr_col = COLUMN_IDS.index("arr")
    click_header(qtbot, header, arr_col)
    first = header.sortIndicatorOrder()
    click_header(qtbot, header, arr_col)
    assert header.sortIndicatorOrder() != first
    for _ in range(2):
        values = _arr_of_visible(view, ctx)
        present = values[~np.isnan(values)]
        assert not np.isnan(values[: len(present)]).any()  # missing ARR last
        desc = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert list(present) == sorted(present, reverse=desc)
        click_header(qtbot, header, arr_col)
    # the first data row shown is the largest ARR when descending
    view.table.sortByColumn(arr_col, Qt.SortOrder.DescendingOrder)
    assert _arr_of_visible(view, ctx)[0] == list_accounts(ctx)["arr"].max()


def test_sort_survives_a_filter_and_a_reload(qtbot, view, ctx) -> None:
    arr_col = COLUMN_IDS.index("arr")
    view.table.sortByColumn(arr_col, Qt.SortOrder.DescendingOrder)
    tier = view.matrix.model_.tiers[0]
    view.set_filter(tier, None)
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        view.refresh()
    values = _arr_of_visible(view, ctx)
    assert list(values) == sorted(values, reverse=True)
    assert set(view.model.column_text("tier")) == {tier}


def test_selection_stays_on_the_same_account_across_sorts(qtbot, view) -> None:
    view.table.selectRow(5)
    key = view.model.key_at(5)
    for column in ("arr", "renewal_date", "owner"):
        view.table.sortByColumn(COLUMN_IDS.index(column), Qt.SortOrder.DescendingOrder)
        rows = {i.row() for i in view.table.selectionModel().selectedRows()}
        assert rows == {view.model.row_of_key(key)}


def test_a_column_shown_later_is_formatted_and_sortable(qtbot, view, ctx) -> None:
    region = COLUMN_IDS.index("region")
    assert view.model._data.text[region] is None  # hidden at load: not formatted yet
    view.set_column_visible("region", True)
    view.table.sortByColumn(region, Qt.SortOrder.AscendingOrder)
    shown = view.model.column_text("region")
    expected = list_accounts(ctx)["region"].fillna("").loc[view.model.visible_keys()]
    assert shown == list(expected)
    present = [r for r in shown if r]
    assert present == sorted(present, key=str.casefold)
    assert shown[len(present) :] == [""] * (len(shown) - len(present))  # missing last


def test_column_visibility_from_header_menu_is_remembered(qtbot, ctx, view) -> None:
    region = COLUMN_IDS.index("region")
    assert view.table.isColumnHidden(region)
    view._column_menu(QPoint(10, 5))
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    next(a for a in menu.actions() if a.text() == "Region").trigger()
    menu.close()
    assert not view.table.isColumnHidden(region)
    view.set_column_visible("owner", False)

    again = open_view(qtbot, ctx)
    assert not again.table.isColumnHidden(region)
    assert again.table.isColumnHidden(COLUMN_IDS.index("owner"))
    again.reset_columns()
    assert again.table.isColumnHidden(region)


def test_first_run_shows_the_empty_state_with_both_buttons(qtbot, ctx) -> None:
    view = open_view(qtbot, ctx)
    assert view.stack.currentWidget() is view.empty
    assert view.empty.import_button.text() == "Import a spreadsheet..."
    assert view.empty.demo_button.text() == "Open the demo portfolio"
    with qtbot.waitSignal(view.demo_requested):
        qtbot.mouseClick(view.empty.demo_button, Qt.MouseButton.LeftButton)


# ---- the model alone ---------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Acme", "beta", None, "Acme Two", "Zulu"],
            "owner": ["Dana", "Fox", "Dana", None, "ACME Owner"],
            "external_id": ["A1", "B2", "C3", "D4", "E5"],
            "tier": ["SMB", "Enterprise", "SMB", "Unassigned", "Mid-Market"],
            "lifecycle_stage": ["Adoption", "Renewal", "Adoption", "Trial", "Churned"],
            "arr": [5_000.0, 250_000.0, np.nan, 0.0, 40_000.0],
            "health_score": [30.0, 80.0, np.nan, 60.0, 74.9],
            "renewal_date": pd.to_datetime(["2027-01-01", None, "2026-12-01", None, "2027-06-01"]),
            "days_since_last_interaction": [3.0, -0.2, np.nan, 40.0, 1.0],
            "segments": [["At risk"], [], ["At risk", "Low adoption"], [], []],
        },
        index=pd.Index(["A1", "B2", "C3", "D4", "E5"]),
    )


TIERS = ("Enterprise", "Mid-Market", "SMB", "Unassigned")


def test_model_sorts_missing_last_both_ways_and_tiers_in_band_order(qtbot) -> None:
    model = AccountTableModel()
    model.set_table(prepare_table(_frame(), TIERS))
    model.sort(COLUMN_IDS.index("arr"), Qt.SortOrder.AscendingOrder)
    assert model.visible_keys() == ["D4", "A1", "E5", "B2", "C3"]
    model.sort(COLUMN_IDS.index("arr"), Qt.SortOrder.DescendingOrder)
    assert model.visible_keys() == ["B2", "E5", "A1", "D4", "C3"]
    model.sort(COLUMN_IDS.index("renewal_date"), Qt.SortOrder.DescendingOrder)
    assert model.visible_keys()[:3] == ["E5", "A1", "C3"]
    model.sort(COLUMN_IDS.index("tier"), Qt.SortOrder.AscendingOrder)
    assert model.column_text("tier") == ["Enterprise", "Mid-Market", "SMB", "SMB", "Unassigned"]
    model.sort(COLUMN_IDS.index("name"), Qt.SortOrder.AscendingOrder)
    assert model.visible_keys() == ["A1", "D4", "B2", "E5", "C3"]  # case-insensitive, blank last
    first = model.index(0, COLUMN_IDS.index("arr"))
    assert model.data(first) == "$5,000"
    assert model.data(first, SORT_ROLE) == 5000.0


def test_model_formats_cells_once_and_readably(qtbot) -> None:
    model = AccountTableModel()
    model.set_table(prepare_table(_frame(), TIERS))
    row = {key: i for i, key in enumerate(model.visible_keys())}
    text = {c: model.column_text(c) for c in ("days_since_last_interaction", "segments")}
    assert text["days_since_last_interaction"][row["B2"]] == "0"  # never "-0"
    assert text["segments"][row["C3"]] == "At risk; Low adoption"
    assert model.column_text("renewal_date")[row["A1"]] == "2027-01-01"
    assert model.column_text("renewal_date")[row["B2"]] == ""


def test_search_matches_name_owner_or_id_and_narrowing_equals_fresh(qtbot) -> None:
    model = AccountTableModel()
    model.set_table(prepare_table(_frame(), TIERS))
    model.set_search("acme")
    assert sorted(model.visible_keys()) == ["A1", "D4", "E5"]  # E5 by its owner
    model.set_search("acme t")  # narrowed: only re-tests the previous hits
    assert model.visible_keys() == ["D4"]
    model.set_search("c3")
    assert model.visible_keys() == ["C3"]
    model.set_search("")
    assert model.rowCount() == 5
    model.set_filter("SMB", "Adoption")
    model.set_search("dana")
    assert sorted(model.visible_keys()) == ["A1", "C3"]


def test_health_tints_keep_text_readable_on_light_and_dark_palettes(qtbot) -> None:
    def contrast(a: QColor, b: QColor) -> float:
        def lum(c: QColor) -> float:
            def ch(v: float) -> float:
                return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

            return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for base, text in (("#ffffff", "#000000"), ("#1e1e1e", "#e8e8e8")):
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        palette.setColor(QPalette.ColorRole.Text, QColor(text))
        brushes = band_brushes(palette)
        assert len({b.color().name() for b in brushes.values()}) == 3
        for brush in brushes.values():
            assert contrast(brush.color(), QColor(text)) >= 4.5
