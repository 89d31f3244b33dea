"""The minimum health coverage is a setting: CLI, service and the settings window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.core.health import COMPONENTS
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import health_config, set_value
from cspm.ui.settings_view import SettingsView
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "ARR", "Last Activity Date"]


@pytest.fixture
def loaded(ctx: AppContext, tmp_path: Path) -> AppContext:
    rows = [HEADER, ["A1", "Alpha", "60000", "2026-03-01"]]  # 267 days before TODAY
    import_file(ctx, write_csv(tmp_path / "a.csv", rows))
    return ctx


def test_one_signal_scores_when_the_minimum_is_one(loaded: AppContext) -> None:
    assert np.isnan(load_portfolio(loaded).frame.loc["A1", "health_score"])
    set_value(loaded, "health.min_signals", "1")
    frame = load_portfolio(loaded).frame
    assert frame.loc["A1", "health_score"] == 0
    assert frame.loc["A1", "health_source"] == "computed"
    with pytest.raises(BadInputError, match=f"between 1 and {len(COMPONENTS)}"):
        set_value(loaded, "health.min_signals", str(len(COMPONENTS) + 1))
    with pytest.raises(BadInputError, match="whole number"):
        set_value(loaded, "health.min_signals", "two")


def test_cli_sets_the_minimum(db_url: str) -> None:
    assert main(["--db", db_url, "settings", "set", "health.min_signals", "3"]) == 0
    assert main(["--db", db_url, "settings", "set", "health.min_signals", "0"]) == 2


def test_the_settings_window_edits_the_minimum(qtbot, loaded: AppContext) -> None:
    view = SettingsView(loaded)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.saved is not None, timeout=10_000)
    assert view.health.min_signals.value() == 2
    view.health.min_signals.setValue(3)
    with qtbot.waitSignal(view.data_changed, timeout=20_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert health_config(loaded).min_signals == 3
