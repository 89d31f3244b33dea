"""TrendsView with real widgets on the demo portfolio: the table is the service's outcomes for
the chosen grouping and period, the charts render, the changes panel lists the tier moves; and
a friendly empty state with fewer than two snapshots."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt, QThreadPool

from cspm.service.imports import import_file
from cspm.service.outcomes import changes, outcomes
from cspm.ui.changes_panel import ChangesPanel
from cspm.ui.trends_view import TrendsView
from tests.files import HEADER, write_xlsx
from tests.ui.test_export_dialog import ACCOUNTS
from tests.ui.test_tasks_view import demo_ctx, demo_file  # noqa: F401  (shared fixtures)


@pytest.fixture
def view(qtbot, demo_ctx) -> TrendsView:  # noqa: F811
    v = TrendsView(demo_ctx)
    qtbot.addWidget(v)
    v.resize(1280, 820)
    v.show()
    qtbot.waitUntil(lambda: v.table_frame is not None and v.changes_panel.ready, timeout=60_000)
    return v


def shown(view: TrendsView) -> list[tuple[str, str]]:
    """(period, group) of the rows as the table shows them."""
    proxy = view.proxy
    return [(proxy.index(r, 0).data(), proxy.index(r, 1).data()) for r in range(proxy.rowCount())]


def test_table_rows_are_the_services_outcomes(qtbot, view, demo_ctx) -> None:  # noqa: F811
    expected = outcomes(demo_ctx, by="tier", period="quarter")
    assert view.grouping() == "tier" and view.period() == "quarter"
    pd.testing.assert_frame_equal(view.model.frame, expected)
    assert sorted(shown(view)) == sorted(zip(expected["period"], expected["group"], strict=True))
    # newest period first, the Portfolio total closing each period
    rows = shown(view)
    assert rows[0][0] == expected["period"].iloc[-1]
    assert [g for p, g in rows if p == rows[0][0]][-1] == "Portfolio"
    header = view.proxy.headerData(1, Qt.Orientation.Horizontal)
    assert header == "Tier"
    # formats: money, percentages, health
    portfolio = next(r for r in range(len(rows)) if rows[r][1] == "Portfolio")
    source = view.model.row_values(view.proxy.mapToSource(view.proxy.index(portfolio, 0)).row())
    cells = [view.proxy.index(portfolio, c).data() for c in range(view.proxy.columnCount())]
    assert cells[8] == f"{source['grr']:.1%}" and cells[9] == f"{source['nrr']:.1%}"
    assert cells[7].startswith("$") and cells[11] == f"{source['avg_health']:.0f}"


def test_switching_grouping_and_period_updates_the_table(qtbot, view, demo_ctx) -> None:  # noqa: F811
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        view.grouping_combo.setCurrentIndex(view.grouping_combo.findData("segment"))
    pd.testing.assert_frame_equal(
        view.model.frame, outcomes(demo_ctx, by="segment", period="quarter")
    )
    assert view.proxy.headerData(1, Qt.Orientation.Horizontal) == "Segment"
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        view.period_combo.setCurrentIndex(view.period_combo.findData("month"))
    expected = outcomes(demo_ctx, by="segment", period="month")
    pd.testing.assert_frame_equal(view.model.frame, expected)
    assert view.proxy.rowCount() == len(expected)
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        view.grouping_combo.setCurrentIndex(view.grouping_combo.findData("owner"))
    pd.testing.assert_frame_equal(view.model.frame, outcomes(demo_ctx, by="owner", period="month"))


def test_charts_render_without_the_portfolio_total_in_the_stack(qtbot, view) -> None:
    for canvas in view.canvases():
        assert canvas.figure.axes, canvas
        assert canvas.isVisible()
        canvas.draw()
    arr_ax = view.arr_canvas.figure.axes[0]
    legend = [t.get_text() for t in arr_ax.get_legend().get_texts()]
    groups = [g for g in dict.fromkeys(view.table_frame["group"]) if g != "Portfolio"]
    assert sorted(legend) == sorted(groups) and "Portfolio" not in legend
    periods = view.table_frame["period"].nunique()
    assert len(arr_ax.patches) == periods * len(groups)  # one stacked column per period
    assert view.retention_canvas.figure.axes[0].patches  # the bars
    legend = view.retention_canvas.figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["GRR", "NRR"]
    health = view.health_canvas.figure.axes[0]
    # Each group with a score and the Portfolio; Unassigned (no ARR) has no paying accounts.
    scored = view.table_frame.dropna(subset=["avg_health"])["group"].unique()
    assert len(health.get_lines()) == len(scored)
    assert "Unassigned" in groups and "Unassigned" not in scored


def test_changes_panel_lists_the_tier_moves(qtbot, view, demo_ctx) -> None:  # noqa: F811
    panel = view.changes_panel
    moved = changes(demo_ctx).moves.tier_matrix
    moved = moved[moved["from"] != moved["to"]]
    assert len(moved)
    pairs = zip(moved["from"], moved["to"], strict=True)
    assert panel.lines("Tier moves") == [f"{a} → {b}" for a, b in pairs]
    stages = changes(demo_ctx).moves.stage_transitions
    only_changes = stages[stages["from"] != stages["to"]]
    assert panel.lines("Stage changes") == [
        f"{a} → {b}" for a, b in zip(only_changes["from"], only_changes["to"], strict=True)
    ]
    top = changes(demo_ctx).moves.top_arr_changes
    assert panel.lines("Biggest ARR changes")[0] == top["name"].iloc[0]
    assert not panel.is_empty()


def test_fewer_than_two_snapshots_is_a_friendly_empty_state(qtbot, ctx, tmp_path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS]))
    v = TrendsView(ctx)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.table_frame is not None and v.changes_panel.ready, timeout=30_000)
    assert v.stack.currentWidget() is v.empty
    assert "at least two imports" in v.empty.text()
    assert v.changes_panel.is_empty()
    QThreadPool.globalInstance().waitForDone(30_000)


def test_changes_panel_alone_as_after_an_import(qtbot, demo_ctx) -> None:  # noqa: F811
    panel = ChangesPanel(demo_ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        panel.refresh()
    assert panel.subtitle.text() == "2026-10-31 → 2026-11-23"
    assert set(panel.sections) >= {"Tier moves", "Segments", "Biggest health changes"}
