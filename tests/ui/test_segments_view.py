"""SegmentsView with real widgets: build a segment in the rule builder, see it listed with its
count, members with 'why', duplicate, delete (confirmed), export/import definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cspm.service.imports import import_file
from cspm.service.segments import add_segment, list_segments, preview_rule
from cspm.ui.segments_view import SegmentsView
from tests.files import HEADER, write_xlsx
from tests.ui.test_rule_builder import ACCOUNTS, choose


@pytest.fixture
def view(qtbot, ctx, tmp_path: Path) -> SegmentsView:
    import_file(ctx, write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS]))
    v = SegmentsView(ctx)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.segments is not None, timeout=10_000)
    return v


def row_of(view: SegmentsView, name: str) -> int:
    names = [s.name for s in view.list_model.rows]
    return names.index(name) if name in names else -1


def click_yes(qtbot, view) -> None:
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "cspm-confirm") is not None)
    box = view.findChild(QMessageBox, "cspm-confirm")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)


def test_new_segment_from_the_builder_appears_with_its_count(qtbot, view, ctx) -> None:
    changed = []
    view.data_changed.connect(lambda: changed.append(1))
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    qtbot.waitUntil(lambda: dialog.root is not None and dialog.is_ready(), timeout=10_000)
    first = dialog.root.conditions()[0]
    choose(first.field_combo, "owner")
    qtbot.keyClicks(first.editor.lineEdit(), "Fox")
    qtbot.mouseClick(dialog.root.add_condition_button, Qt.MouseButton.LeftButton)
    second = dialog.root.conditions()[1]
    choose(second.field_combo, "health_score")
    choose(second.op_combo, "<", Qt.ItemDataRole.UserRole)
    qtbot.keyClicks(second.editor, "50")
    qtbot.keyClicks(dialog.name_edit, "Fox at risk")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    expected = preview_rule(ctx, dialog.rule_json())
    assert expected == (1, 12_500)
    assert dialog.count_label.text() == "1 account · $12.5K ARR"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: row_of(view, "Fox at risk") >= 0, timeout=10_000)
    summary = view.list_model.rows[row_of(view, "Fox at risk")]
    assert (summary.count, summary.arr) == expected
    index = view.list_model.index(row_of(view, "Fox at risk"), 1)
    assert view.list_model.data(index) == "1"
    assert changed
    qtbot.waitUntil(lambda: view.members_loaded_for == "Fox at risk", timeout=10_000)
    assert view.selected().name == "Fox at risk"
    assert view.members_model.rowCount() == 1
    why = view.members_model.data(view.members_model.index(0, 7))
    # the reasons name fields in words, as the account detail does (not owner / health_score)
    assert "Owner" in why and "Health Score" in why, why
    assert "health_score" not in why
    assert view.members_model.data(view.members_model.index(0, 0)) == "Initech"


def test_duplicate_name_shows_the_service_message_and_reopens(qtbot, view, ctx) -> None:
    add_segment(ctx, "Big", {"field": "arr", "op": ">", "value": 100_000})
    view.refresh()
    qtbot.waitUntil(lambda: row_of(view, "Big") >= 0, timeout=10_000)
    view.select("Big")
    qtbot.mouseClick(view.duplicate_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    assert dialog.segment_name() == "Big (copy)"
    dialog.name_edit.setText("big")  # clashes, case-insensitively
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "cspm-error") is not None, timeout=10_000)
    assert "already exists" in view.findChild(QMessageBox, "cspm-error").text()
    assert view.dialog is not dialog and view.dialog.segment_name() == "big"


def test_invalid_segment_is_marked_and_delete_asks_first(qtbot, view, ctx, tmp_path) -> None:
    rule = {"field": "product_line", "op": "=", "value": "Pro"}
    path = tmp_path / "defs.json"
    path.write_text(json.dumps({"segments": [{"name": "Pro line", "rule": rule}]}))
    # a custom field present in one import, then gone: the stored rule stops fitting
    write_xlsx(tmp_path / "b.xlsx", [[*HEADER, "Product Line"], [*ACCOUNTS[0], "Pro"]])
    import_file(ctx, tmp_path / "b.xlsx")
    add_segment(ctx, "Pro line", rule)
    import_file(ctx, write_xlsx(tmp_path / "c.xlsx", [HEADER, *ACCOUNTS]))
    from cspm.service.imports import undo_latest_import

    undo_latest_import(ctx)
    undo_latest_import(ctx)
    view.refresh()
    qtbot.waitUntil(lambda: row_of(view, "Pro line") >= 0, timeout=10_000)
    row = row_of(view, "Pro line")
    assert view.list_model.data(view.list_model.index(row, 0)).startswith("⚠")
    assert view.list_model.data(view.list_model.index(row, 1)) == "invalid"
    view.select("Pro line")
    assert view.error_label.isVisible() and "product_line" in view.error_label.text()

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    click_yes(qtbot, view)
    qtbot.waitUntil(lambda: row_of(view, "Pro line") < 0, timeout=10_000)
    assert "Pro line" not in [s.name for s in list_segments(ctx)]


def test_export_then_import_definitions(qtbot, view, ctx, tmp_path, monkeypatch) -> None:
    add_segment(ctx, "Big", {"field": "arr", "op": ">", "value": 100_000})
    target = tmp_path / "shared.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    view.export_action.trigger()
    qtbot.waitUntil(target.exists, timeout=10_000)
    doc = json.loads(target.read_text())
    assert "Big" in [s["name"] for s in doc["segments"]]

    doc["segments"] = [{"name": "Tiny", "rule": {"field": "arr", "op": "<", "value": 20_000}}]
    target.write_text(json.dumps(doc))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        view.import_action.trigger()
    qtbot.waitUntil(lambda: row_of(view, "Tiny") >= 0, timeout=10_000)
    assert view.list_model.rows[row_of(view, "Tiny")].count == 1

    # importing again asks whether to replace
    view.import_action.trigger()
    click_yes(qtbot, view)
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "cspm-confirm") is None, timeout=10_000)


def test_helpers_other_views_import_from_here_still_do() -> None:
    """imports_view and settings_view import confirm/message_of from segments_view. The split
    moved them, not their names. (Money is cspm.core.money's compact_one everywhere.)"""
    from cspm.ui import messages
    from cspm.ui.segments_view import confirm, message_of

    assert (confirm, message_of) == (messages.confirm, messages.message_of)
