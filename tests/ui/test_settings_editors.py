"""The Engagement & capacity and Health score tabs of Settings, driven through real widgets on a
real database: what is saved, what it changes (tasks, health scores), and that a refused value
saves nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.core.tasks import DEFAULT_PLAYBOOKS
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.settings import get_settings, health_config
from cspm.service.tasks import list_tasks, task_settings
from cspm.ui.settings_view import SettingsView
from tests.files import write_csv

HEADER = [
    "Account ID", "Account Name", "Account Owner", "ARR", "Seats Purchased", "Active Seats",
    "NPS", "Last Interaction", "Health Score",
]  # fmt: skip
ROWS = [
    ["A-1", "Acme", "Dana", "150000", "100", "90", "9", "2026-11-20", ""],
    ["A-2", "Globex", "Dana", "45000", "50", "10", "6", "2026-11-01", ""],
    ["A-3", "Initech", "Fox", "12500", "20", "5", "3", "2026-10-01", ""],
]


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    return ctx


def open_settings(qtbot, ctx) -> SettingsView:
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.saved is not None, timeout=10_000)
    return view


def save(qtbot, view: SettingsView) -> None:
    with qtbot.waitSignal(view.data_changed, timeout=20_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.message.text().startswith("Saved")


def type_into(qtbot, spin, text: str) -> None:
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def cadences(ctx, tier: str) -> dict[str, tuple[str, int]]:
    model = task_settings(ctx).model_for(tier)
    return {c.kind: (c.label, c.every_days) for c in model.cadences}


def health(ctx) -> dict[str, float]:
    frame = list_accounts(ctx)
    return dict(zip(frame["name"], frame["health_score"], strict=True))


def test_engagement_edits_are_saved_and_make_tasks(qtbot, loaded) -> None:
    tasks = list_tasks(loaded)
    assert tasks[(tasks["tier"] == "SMB") & (tasks["title"] == "Check-in")].empty
    view = open_settings(qtbot, loaded)
    view.tabs.setCurrentIndex(1)
    editor = view.engagement
    assert [r.key for r in editor.rows] == ["Enterprise", "Mid-Market", "SMB", "Unassigned"]
    smb = editor.row("SMB")
    assert smb.days["check_in"].text() == "off"  # tech-touch: no cadences
    smb.touch.setCurrentIndex(smb.touch.findData("high-touch"))
    type_into(qtbot, smb.days["check_in"], "21")
    assert smb.days["check_in"].text() == "21 days"
    qbr = editor.row("Enterprise").days["qbr"]
    type_into(qtbot, qbr, "60")
    editor.row("Mid-Market").days["business_review"].setValue(0)  # off
    type_into(qtbot, editor.max_accounts["tech-touch"], "500")
    type_into(qtbot, editor.hours_per_task["qbr"], "4")
    save(qtbot, view)

    settings = task_settings(loaded)
    assert settings.model_for("SMB").touch_model == "high-touch"
    assert cadences(loaded, "SMB") == {"check_in": ("Check-in", 21)}  # from the template
    assert cadences(loaded, "Enterprise")["qbr"] == ("QBR", 60)
    qbr_cadence = settings.model_for("Enterprise").cadences[1]
    assert qbr_cadence.completed_by == ("qbr",) and qbr_cadence.data_fields == ("last_qbr",)
    assert "business_review" not in cadences(loaded, "Mid-Market")
    assert settings.capacity.limit("tech-touch") == 500
    assert settings.capacity.limit("high-touch") == 30  # untouched
    assert settings.capacity.task_hours("qbr") == 4
    assert settings.playbooks == DEFAULT_PLAYBOOKS  # not on this tab, kept as they were
    tasks = list_tasks(loaded)
    smb_check_ins = tasks[(tasks["tier"] == "SMB") & (tasks["title"] == "Check-in")]
    assert list(smb_check_ins["account_name"]) == ["Initech"]
    # the tab shows what was saved
    assert view.engagement.row("SMB").days["check_in"].value() == 21
    assert view.engagement.max_accounts["tech-touch"].text() == "500 accounts"


def test_health_weights_and_a_tier_override_change_scores(qtbot, loaded) -> None:
    before = health(loaded)
    view = open_settings(qtbot, loaded)
    view.tabs.setCurrentIndex(2)
    editor = view.health
    assert [r.key for r in editor.overrides] == ["Enterprise", "SMB"]
    type_into(qtbot, editor.weights["nps"], "1")
    assert editor.shares["nps"].text() == f"{1 / 1.85:.0%} of the score"
    # Mid-Market (Globex) gets its own weights: seat use only
    editor.add_tier.setCurrentIndex(editor.add_tier.findData("Mid-Market"))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    row = editor.overrides[-1]
    assert row.key == "Mid-Market" and row.spins["nps"].value() == 1  # starts from the defaults
    for component, spin in row.spins.items():
        spin.setValue(1 if component == "seat_utilization" else 0)
    editor.min_signals.setValue(1)  # one signal is enough for a score
    # SMB goes back to the defaults
    editor.table.selectRow(1)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert [r.key for r in editor.overrides] == ["Enterprise", "Mid-Market"]
    type_into(qtbot, editor.red_below, "40")
    save(qtbot, view)

    config = health_config(loaded)
    assert config.weights.nps == 1
    assert set(config.tier_weights) == {"Enterprise", "Mid-Market"}
    assert config.tier_weights["Mid-Market"].nps == 0
    assert config.red_below == 40
    after = health(loaded)
    assert after["Globex"] == pytest.approx(25)  # seat use only: 10 of 50 seats (80% = 100)
    assert after["Globex"] != pytest.approx(before["Globex"])
    # SMB now uses the defaults: seat use 31.25, NPS 3 -> 20, last contact 53 days ago -> 39.3
    contact = 70 - 40 * 23 / 30
    assert after["Initech"] == pytest.approx((0.25 * 31.25 + 1 * 20 + 0.15 * contact) / 1.4)
    assert after["Initech"] != pytest.approx(before["Initech"])


def test_refused_values_save_nothing(qtbot, loaded) -> None:
    view = open_settings(qtbot, loaded)
    view.renewal_days.setValue(45)
    view.engagement.row("SMB").days["check_in"].setValue(10)
    for spin in view.health.weights.values():
        spin.setValue(0)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not saved"), timeout=10_000)
    assert "At least one health weight must be above 0" in view.message.text()
    assert "c62828" in view.message.styleSheet()
    assert get_settings(loaded).lifecycle.renewal_days == 90
    assert cadences(loaded, "SMB") == {}
    assert health_config(loaded).weights.nps == 0.15

    view.health.weights["nps"].setValue(0.5)
    view.health.red_below.setValue(90)  # above green (75)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "bands" in view.message.text(), timeout=10_000)
    assert get_settings(loaded).lifecycle.renewal_days == 90
    assert health_config(loaded).red_below == 50

    view.health.red_below.setValue(50)
    save(qtbot, view)
    assert get_settings(loaded).lifecycle.renewal_days == 45
    assert cadences(loaded, "SMB") == {"check_in": ("Check-in", 10)}


def test_a_renamed_tier_keeps_its_engagement_and_weights(qtbot, loaded) -> None:
    view = open_settings(qtbot, loaded)
    name = next(r for r in view.rows if r.name.text() == "Enterprise").name
    name.selectAll()
    qtbot.keyClicks(name, "Strategic")
    view.tabs.setCurrentIndex(1)  # the engagement tab follows the unsaved rename
    assert view.engagement.table.item(0, 0).text() == "Strategic"
    type_into(qtbot, view.engagement.row("Enterprise").days["check_in"], "7")
    view.tabs.setCurrentIndex(2)
    assert view.health.table.item(0, 0).text() == "Strategic"
    save(qtbot, view)

    assert get_settings(loaded).tier_names[0] == "Strategic"
    settings = task_settings(loaded)
    assert "Enterprise" not in settings.engagement
    assert settings.model_for("Strategic").touch_model == "high-touch"
    assert cadences(loaded, "Strategic")["check_in"] == ("Check-in", 7)
    assert set(health_config(loaded).tier_weights) == {"Strategic", "SMB"}
    assert list_accounts(loaded).set_index("name").loc["Acme", "tier"] == "Strategic"
    assert view.engagement.rows[0].key == "Strategic"
