"""Account detail: opens on double-click / Enter, explains tier, stage, health and segments,
and edits the tier override through the service (the table follows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressBar

from cspm.service.accounts import account_detail
from cspm.service.portfolio import list_accounts
from cspm.service.reasons import readable_reason
from cspm.ui.account_detail import AccountDetailDialog
from cspm.ui.account_table import COLUMN_IDS
from tests.ui.test_portfolio_view import build_portfolio, open_view


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


@pytest.fixture
def view(qtbot, ctx, tmp_path: Path):
    build_portfolio(ctx, tmp_path)
    return open_view(qtbot, ctx)


def _segmented_row(view, ctx) -> int:
    """A visible row whose account is in at least one segment and has a health breakdown."""
    frame = list_accounts(ctx)
    for row, key in enumerate(view.model.visible_keys()):
        if (
            frame.at[key, "segments"]
            and frame.at[key, "health_score"] == frame.at[key, "health_score"]
        ):
            return row
    raise AssertionError("no account in a segment")


def open_detail_by_double_click(qtbot, view, row: int) -> AccountDetailDialog:
    table = view.table
    table.scrollTo(view.model.index(row, 0))
    rect = table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = view.detail_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.isVisible(), timeout=30_000)
    return dialog


def test_double_click_shows_why_tier_stage_health_and_segments(qtbot, view, ctx) -> None:
    row = _segmented_row(view, ctx)
    key = view.model.key_at(row)
    dialog = open_detail_by_double_click(qtbot, view, row)
    expected = account_detail(ctx, key)
    assert dialog.key == key
    assert dialog.tier_reason.text() == expected.tier_reason
    assert dialog.stage_reason.text() == readable_reason(expected.stage_reason)
    assert expected.name in dialog.title.text()
    for component, value in expected.health_breakdown:
        widget = dialog.breakdown[component]
        if value is None:
            assert widget.text() == "no data"
        else:
            assert isinstance(widget, QProgressBar)
            assert widget.value() == round(value)
    shown = "\n".join(label.text() for label in dialog.segment_labels)
    assert expected.segments
    for name, why in expected.segments:
        assert name in shown
        for line in why:  # each reason with its field named in words
            shown_line = readable_reason(line)
            assert shown_line.replace("<", "&lt;").replace(">", "&gt;") in shown
    shown_tasks = [row.label.text() for row in dialog.tasks_box.rows]
    assert shown_tasks == expected.open_tasks
    assert expected.open_tasks  # the demo account has work waiting
    assert dialog.touchpoint_button.isEnabled() and dialog.qbr_button.isEnabled()


def test_enter_opens_the_current_account(qtbot, view) -> None:
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(2, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.detail_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    assert dialog.key == view.model.key_at(2)


def test_saving_and_clearing_a_tier_override_updates_the_table(qtbot, view, ctx) -> None:
    view.table.sortByColumn(COLUMN_IDS.index("arr"), Qt.SortOrder.DescendingOrder)
    key = view.model.key_at(0)
    before = list_accounts(ctx).at[key, "tier"]
    dialog = open_detail_by_double_click(qtbot, view, 0)
    target = next(t for t in dialog.tier_names if t != before)
    dialog.tier_combo.setCurrentText(target)
    dialog.reason_edit.setText("Strategic logo")
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    row = view.model.row_of_key(key)
    assert row is not None
    assert view.model.column_text("tier")[row] == target
    assert list_accounts(ctx).at[key, "tier"] == target
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.tier == target)
    assert "Strategic logo" in dialog.tier_reason.text()
    assert dialog.tier_reason.text().endswith(")") and "(by " in dialog.tier_reason.text()
    assert dialog.reason_edit.text() == "Strategic logo"  # who pinned it is not the reason
    assert dialog.clear_button.isEnabled()

    with qtbot.waitSignal(view.loaded, timeout=30_000):
        qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert view.model.column_text("tier")[view.model.row_of_key(key)] == before
    qtbot.waitUntil(lambda: dialog.detail.tier == before)


def test_an_override_without_reason_is_refused_with_a_message(qtbot, view, ctx) -> None:
    key = view.model.key_at(0)
    before = list_accounts(ctx).at[key, "tier"]
    dialog = open_detail_by_double_click(qtbot, view, 0)
    dialog.tier_combo.setCurrentText(next(t for t in dialog.tier_names if t != before))
    dialog.reason_edit.setText("   ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    def box() -> QMessageBox | None:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "cspm-error"
        ]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: box() is not None, timeout=30_000)
    assert "needs a reason" in box().text()
    box().close()
    assert list_accounts(ctx).at[key, "tier"] == before
    assert dialog.save_button.isEnabled()


def test_detail_dialog_works_alone(qtbot, ctx, tmp_path: Path) -> None:
    build_portfolio(ctx, tmp_path, accounts=20)
    key = list_accounts(ctx).index[0]
    dialog = AccountDetailDialog(ctx, key)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        dialog.show()
    assert dialog.detail is not None and dialog.detail.key == key


def test_detail_logs_a_touchpoint_and_offers_a_qbr_pack(qtbot, view, ctx) -> None:
    from cspm.service.portfolio import load_portfolio

    row = _segmented_row(view, ctx)
    key = view.model.key_at(row)
    dialog = open_detail_by_double_click(qtbot, view, row)
    qtbot.mouseClick(dialog.qbr_button, Qt.MouseButton.LeftButton)
    export = dialog.export_dialog
    assert export.kind().id == "qbr"
    assert export.options()["account"] == key
    export.close()
    qtbot.mouseClick(dialog.touchpoint_button, Qt.MouseButton.LeftButton)
    touch = dialog.touchpoint_dialog
    with qtbot.waitSignal(touch.logged, timeout=30_000):
        qtbot.mouseClick(touch.save_button, Qt.MouseButton.LeftButton)
    assert load_portfolio(ctx).frame.at[key, "last_interaction"].date() == ctx.today
