"""The account detail tells one story: both health scores side by side with the setting that
picks one, fields in words, tasks acted on in place, the scroll position kept after an action,
and a touchpoint dialog that names the account."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.settings import set_value
from cspm.service.tasks import list_tasks
from cspm.ui.account_detail import AccountDetailDialog
from cspm.ui.touchpoint_dialog import DismissDialog, SnoozeDialog, TouchpointDialog
from tests.files import write_csv
from tests.ui.palettes import contrast, dark_palette
from tests.ui.test_portfolio_view import build_portfolio

HEADER = [
    "Account ID", "Account Name", "ARR", "Health Score", "Seats Purchased", "Active Seats",
    "Open Tickets", "Last Activity Date", "Product Line", "Reference",
]  # fmt: skip
ROWS = [
    ["C3", "Gamma Corp", "60000", "35", "100", "90", "0", "2026-11-20", "Core", "yes"],
    ["D4", "Delta Ltd", "60000", "", "100", "90", "0", "2026-11-20", "Edge", "no"],
]


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def _open(qtbot, ctx, key: str, height: int = 1000) -> AccountDetailDialog:
    dialog = AccountDetailDialog(ctx, key)
    qtbot.addWidget(dialog)
    dialog.resize(900, height)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    return dialog


def _field_labels(dialog: AccountDetailDialog) -> dict[str, str]:
    """label -> value text, as the "All fields" grid shows them."""
    box = dialog.fields_box
    grid = box.layout()
    out = {}
    for i in range(grid.rowCount()):
        for col in (0, 2):
            name, value = grid.itemAtPosition(i, col), grid.itemAtPosition(i, col + 1)
            if name is not None and value is not None:
                out[name.widget().text()] = value.widget().text()
    return out


def test_both_health_scores_side_by_side_with_the_deciding_setting(qtbot, ctx, tmp_path) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    gamma = _open(qtbot, ctx, "C3")
    assert gamma.health_head.text() == "35 / 100  (red)"  # the score used
    assert gamma.health_scores["imported"].text().endswith("✓ used")
    assert gamma.health_scores["computed"].text() == "100 / 100  (green)  (not used)"
    assert "is on" in gamma.health_choice.text()
    # the same account with the setting off: the computed score is used, and the text says so
    set_value(ctx, "health.prefer_imported", "false")
    gamma = _open(qtbot, ctx, "C3")
    assert gamma.health_head.text() == "100 / 100  (green)"
    assert gamma.health_scores["imported"].text() == "35 / 100  (red)  (not used)"
    assert gamma.health_scores["computed"].text().endswith("✓ used")
    assert gamma.health_choice.text() == (
        "Using the computed score because “Use the CRM's health score when the file has one”"
        " (Settings > Health) is off."
    )
    # without a file score there is nothing to compare: no second score, no choice line
    delta = _open(qtbot, ctx, "D4")
    assert delta.health_scores == {} and not delta.health_choice.isVisible()
    assert delta.health_head.text() == "100 / 100  (green)"


def test_every_field_label_is_in_words(qtbot, ctx, tmp_path) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    dialog = _open(qtbot, ctx, "C3")
    fields = _field_labels(dialog)
    assert fields["Product Line"] == "Core"  # a custom field, title-cased from its header
    assert fields["Contract Start"] == "—"
    assert fields["Reference"] == "Yes"  # a yes/no field reads Yes, not 1
    assert fields["Health Score"] == "35"  # the file's value, as the file had it
    raw = [label for label in fields if "_" in label or label != label.strip()]
    assert raw == []
    # the stage reasons name no raw field either ("is_reference is true", "no contract_start")
    assert dialog.stage_reason.text() == "Reference is true"
    delta = _open(qtbot, ctx, "D4")
    assert delta.stage_reason.text() == "no Contract Start and no other rule matched"


def _account_with_tasks(ctx, n: int = 2) -> str:
    tasks = list_tasks(ctx)
    counts = tasks["account_key"].value_counts()
    return str(counts.index[counts >= n][0])


@pytest.fixture
def demo(ctx, tmp_path):
    build_portfolio(ctx, tmp_path, accounts=80)
    return ctx


def _scroll_to_tasks(qtbot, dialog: AccountDetailDialog) -> int:
    bar = dialog.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    dialog.scroll_area.ensureWidgetVisible(dialog.tasks_box)
    bar.setValue(min(bar.maximum(), max(bar.value(), 200)))
    assert bar.value() > 0
    return bar.value()


def test_complete_a_task_in_the_detail_keeps_the_scroll(qtbot, demo) -> None:
    ctx = demo
    key = _account_with_tasks(ctx)
    dialog = _open(qtbot, ctx, key, height=600)
    before = list_tasks(ctx)
    mine = before[before["account_key"] == key]
    assert [r.task.id for r in dialog.tasks_box.rows] == mine["id"].tolist()
    scrolled = _scroll_to_tasks(qtbot, dialog)
    task_id = dialog.tasks_box.rows[0].task.id
    changed = []
    dialog.data_changed.connect(lambda: changed.append(True))
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        qtbot.mouseClick(dialog.tasks_box.rows[0].complete_button, Qt.MouseButton.LeftButton)
    assert task_id not in list_tasks(ctx)["id"].tolist()
    assert task_id not in [r.task.id for r in dialog.tasks_box.rows]
    assert changed  # the window reloads its views too
    assert dialog.scroll_area.verticalScrollBar().value() == scrolled


def test_snooze_and_dismiss_a_task_from_the_detail(qtbot, demo) -> None:
    ctx = demo
    key = _account_with_tasks(ctx)
    dialog = _open(qtbot, ctx, key)
    first, second = (r.task.id for r in dialog.tasks_box.rows[:2])
    qtbot.mouseClick(dialog.tasks_box.row_of(first).snooze_button, Qt.MouseButton.LeftButton)
    snooze = dialog.tasks_box.dialog
    assert isinstance(snooze, SnoozeDialog) and snooze.isVisible()
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        qtbot.keyClick(snooze, Qt.Key.Key_Return)
    snoozed = list_tasks(ctx, include_snoozed=True).set_index("id")
    assert first not in list_tasks(ctx)["id"].tolist() and first in snoozed.index
    assert first not in [r.task.id for r in dialog.tasks_box.rows]

    qtbot.mouseClick(dialog.tasks_box.row_of(second).dismiss_button, Qt.MouseButton.LeftButton)
    dismiss = dialog.tasks_box.dialog
    assert isinstance(dismiss, DismissDialog)
    qtbot.keyClicks(dismiss.reason_combo, "Handled by the AE")
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        qtbot.mouseClick(dismiss.ok_button, Qt.MouseButton.LeftButton)
    assert second not in list_tasks(ctx, include_snoozed=True)["id"].tolist()
    assert second not in [r.task.id for r in dialog.tasks_box.rows]


def test_logging_a_touchpoint_names_the_account_and_keeps_the_scroll(qtbot, demo) -> None:
    ctx = demo
    key = _account_with_tasks(ctx, 1)
    name = list_accounts(ctx).at[key, "name"]
    dialog = _open(qtbot, ctx, key, height=600)
    scrolled = _scroll_to_tasks(qtbot, dialog)
    qtbot.mouseClick(dialog.touchpoint_button, Qt.MouseButton.LeftButton)
    touch = dialog.touchpoint_dialog
    label = touch.account_label.text()
    assert label == f"<b>{name}</b> <small>ID {key}</small>"
    assert name in touch.windowTitle()
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        qtbot.mouseClick(touch.save_button, Qt.MouseButton.LeftButton)
    assert dialog.scroll_area.verticalScrollBar().value() == scrolled
    assert dialog.detail is not None and dialog.detail.touchpoints  # the log shows it


def test_touchpoint_dialog_opened_with_a_key_looks_up_the_name(qtbot, demo) -> None:
    ctx = demo
    key = list_accounts(ctx).index[0]
    name = list_accounts(ctx).at[key, "name"]
    dialog = TouchpointDialog(ctx, key)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: name in dialog.account_label.text(), timeout=30_000)
    assert "<small>ID" in dialog.account_label.text()


def test_health_lines_read_on_a_dark_palette(qtbot, ctx, tmp_path) -> None:
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    dialog = AccountDetailDialog(ctx, "C3")
    qtbot.addWidget(dialog)
    dialog.setPalette(dark_palette())
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    for label in (dialog.health_choice, dialog.health_scores["computed"]):
        assert isinstance(label, QLabel)
        shown = label.palette().color(label.foregroundRole())
        assert contrast(shown, label.palette().color(label.backgroundRole())) >= 4.5
    QApplication.processEvents()


def test_another_account_opens_at_the_top(qtbot, demo) -> None:
    ctx = demo
    first, second = list_accounts(ctx).index[:2]
    dialog = _open(qtbot, ctx, first, height=600)
    assert _scroll_to_tasks(qtbot, dialog) > 0
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        dialog.show_account(second)
    assert dialog.detail.key == second
    assert dialog.scroll_area.verticalScrollBar().value() == 0
