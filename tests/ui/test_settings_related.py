"""Settings for related data in the window: a tier weighs the usage trend (its accounts' scores
move, the others' do not), the satisfaction scale and the history period save and show again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from cspm.core.health import RELATED_COMPONENTS
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.settings import get_settings, health_config
from tests.files import write_csv
from tests.ui.test_settings_editors import open_settings, save, type_into

HEADER = ["Account ID", "Account Name", "ARR", "Seats Purchased", "Active Seats", "NPS"]
HEADER += ["Usage Trend (30 days)"]
ROWS = [
    ["A1", "Acme", "150000", "100", "90", "9", "-45%"],  # Enterprise, usage falling
    ["B2", "Globex", "50000", "50", "40", "8", "-45%"],  # Mid-Market, same data
    ["C3", "Initech", "8000", "20", "10", "7", ""],  # SMB, no usage data
]


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    return ctx


def _health(ctx) -> dict[str, float]:
    frame = list_accounts(ctx)
    return dict(zip(frame["name"], frame["health_score"], strict=True))


def test_an_enterprise_usage_weight_and_the_history_period_save(qtbot, loaded) -> None:
    before = _health(loaded)
    view = open_settings(qtbot, loaded)
    view.tabs.setCurrentIndex(2)
    editor = view.health
    headings = [w.text() for w in editor.findChildren(QLabel)]
    assert any(t.startswith("From related data") for t in headings)
    for component in RELATED_COMPONENTS:
        assert editor.weights[component].value() == 0  # nothing changes until weighed
    enterprise = next(r for r in editor.overrides if r.key == "Enterprise")
    type_into(qtbot, enterprise.spins["usage_trend"], "0.5")
    type_into(qtbot, editor.satisfaction_max, "10")
    view.history_period.setCurrentIndex(view.history_period.findData("quarter"))
    save(qtbot, view)

    config = health_config(loaded)
    assert config.tier_weights["Enterprise"].usage_trend == 0.5
    assert config.weights.usage_trend == 0 and config.satisfaction_max == 10
    assert get_settings(loaded).related.history_period == "quarter"
    after = _health(loaded)
    assert after["Acme"] < before["Acme"]  # Enterprise weighs the falling usage
    assert after["Globex"] == pytest.approx(before["Globex"])  # Mid-Market does not
    assert after["Initech"] == pytest.approx(before["Initech"])

    again = open_settings(qtbot, loaded)
    assert again.history_period.currentData() == "quarter"
    assert again.history_period.currentText() == "quarter end"
    assert again.health.satisfaction_max.value() == 10
    row = next(r for r in again.health.overrides if r.key == "Enterprise")
    assert row.spins["usage_trend"].value() == 0.5
    assert again.save_button.isEnabled()
