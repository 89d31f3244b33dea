"""The account detail shows health coverage, 'not enough data', and why a file's score differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.ui.account_detail import AccountDetailDialog
from tests.files import write_csv

HEADER = [
    "Account ID", "Account Name", "ARR", "Health Score", "Seats Purchased", "Active Seats",
    "Open Tickets", "Last Activity Date",
]  # fmt: skip
ROWS = [
    ["A1", "Alpha", "60000", "", "", "", "", "2026-03-01"],  # one stale signal
    ["B2", "Beta", "60000", "", "100", "90", "0", "2026-11-20"],  # three signals
    ["C3", "Gamma", "60000", "35", "100", "90", "0", "2026-11-20"],  # the CRM says 35
]


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def _open(qtbot, ctx: AppContext, key: str) -> AccountDetailDialog:
    dialog = AccountDetailDialog(ctx, key)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    return dialog


def test_coverage_not_enough_data_and_the_files_score(qtbot, ctx, tmp_path: Path) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    alpha = _open(qtbot, ctx, "A1")
    assert alpha.health_coverage.text() == ("1 of 6 signals; a computed score needs at least 2.")
    heads = [w.text() for w in alpha.findChildren(type(alpha.health_coverage))]
    assert "Not enough data" in heads
    beta = _open(qtbot, ctx, "B2")
    assert beta.health_coverage.text() == "3 of 6 signals."
    gamma = _open(qtbot, ctx, "C3")
    assert gamma.health_coverage.text() == "3 of 6 signals."
    # both scores side by side, the used one marked, and the setting that decides it named
    assert gamma.health_scores["imported"].text() == "35 / 100  (red)  ✓ used"
    assert gamma.health_scores["computed"].text() == "100 / 100  (green)  (not used)"
    choice = gamma.health_choice.text()
    assert choice.startswith("Using the file's score because “Use the CRM's health score")
    assert "is on" in choice and "Settings > Health" in choice
