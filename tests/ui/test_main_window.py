"""The main window opens on an empty database and on an imported portfolio (real widgets)."""

from __future__ import annotations

from pathlib import Path

from cspm.service.imports import import_file
from cspm.ui.main_window import MainWindow
from tests.files import HEADER, write_xlsx
from tests.service.test_import_semantics import ROWS


def test_empty_database_says_how_to_start(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=10_000)
    assert "No accounts yet" in window.heading.text()
    assert "0 accounts" in window.statusBar().currentMessage()


def test_portfolio_counts_by_tier_and_stage(qtbot, ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=10_000)
    assert window.heading.text().startswith("3 accounts")
    tiers = [window.matrix.verticalHeaderItem(r).text() for r in range(window.matrix.rowCount())]
    assert tiers == ["Enterprise", "Mid-Market", "SMB", "Unassigned"]
    total = sum(
        int(window.matrix.item(r, c).text().split("\n")[0])
        for r in range(window.matrix.rowCount())
        for c in range(window.matrix.columnCount())
        if window.matrix.item(r, c).text()
    )
    assert total == 3
    assert "last import: 2026-11-23" in window.statusBar().currentMessage()
