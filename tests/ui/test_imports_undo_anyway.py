"""The Imports view as one of two colleagues: 'Undo my latest import' finds the user's own
import, and when a colleague's later import of the same accounts stands on it the window names
that import and asks "Undo anyway?" before going on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from cspm.service.imports import import_file
from cspm.service.imports_list import list_imports
from cspm.service.personal import USER, set_personal
from cspm.ui.imports_view import ImportsView
from tests.files import write_csv
from tests.team.test_undo_mine import DANA_ROWS, HEADER
from tests.ui.test_imports_settings import click


def answer_yes(qtbot, view: ImportsView, title: str) -> QMessageBox:
    qtbot.waitUntil(
        lambda: any(b.windowTitle() == title for b in view.findChildren(QMessageBox)),
        timeout=10_000,
    )
    box = next(b for b in view.findChildren(QMessageBox) if b.windowTitle() == title)
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    return box


def test_undo_my_import_under_a_colleagues_later_one_asks_undo_anyway(
    qtbot, ctx, tmp_path: Path
) -> None:
    set_personal(USER, "Dana Lee")
    import_file(ctx, write_csv(tmp_path / "dana.csv", [HEADER, *DANA_ROWS]))
    set_personal(USER, "Robin Park")
    grown = [[*DANA_ROWS[0][:3], "150000", DANA_ROWS[0][4]], DANA_ROWS[1]]
    import_file(ctx, write_csv(tmp_path / "q4.csv", [HEADER, *grown]))
    set_personal(USER, "Dana Lee")

    view = ImportsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.imports is not None, timeout=10_000)
    assert [r[-2] for r in view.model.rows] == ["Robin Park", "Dana Lee"]
    assert "dana.csv" in view.undo_button.toolTip()

    click(qtbot, view.undo_button)
    answer_yes(qtbot, view, "Undo import")
    box = answer_yes(qtbot, view, "Undo anyway?")
    assert "q4.csv by Robin Park" in box.text()
    qtbot.waitUntil(
        lambda: [i.status for i in list_imports(ctx)] == ["committed", "undone"], timeout=10_000
    )
    qtbot.waitUntil(lambda: "Undid the import of dana.csv" in view.message.text(), timeout=10_000)
