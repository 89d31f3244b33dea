"""The window opens a team database from Settings > Database: a server URL and, once, a
password that is never shown (titles name the database, not the URL) and never saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.ui.main_window import MainWindow
from cspm.ui.team_database_dialog import TeamDatabaseDialog
from tests.conftest import TODAY, drain_workers
from tests.files import write_csv
from tests.team.conftest import pg_url_for
from tests.team.test_undo_mine import DANA_ROWS, HEADER


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def test_open_team_database_from_settings(qtbot, ctx, new_pg_database, tmp_path: Path) -> None:
    name = new_pg_database()
    team = AppContext.open(pg_url_for(name), today=TODAY)
    import_file(team, write_csv(tmp_path / "team.csv", [HEADER, *DANA_ROWS]))
    team.close()

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=30_000)
    panel = window.view("settings").database  # type: ignore[attr-defined]
    qtbot.mouseClick(panel.team_db_button, Qt.MouseButton.LeftButton)
    dialog = panel.team_dialog
    assert isinstance(dialog, TeamDatabaseDialog)

    dialog.url_edit.setText(str(tmp_path / "team.sqlite3"))  # a file is not a server
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "is not a database URL" in dialog.message.text()

    url = pg_url_for(name).replace("postgresql+psycopg://", "postgresql://")
    dialog.url_edit.setText(url)
    dialog.password_edit.setText("s3cret-typed-once")
    with qtbot.waitSignal(panel.database_requested, timeout=10_000) as asked:
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert "s3cret-typed-once" in asked.args[0]  # the connection gets it, in memory
    qtbot.waitUntil(lambda: window.ctx is not ctx, timeout=30_000)
    assert window.windowTitle() == f"cspm — {name}"
    assert "s3cret" not in window.ctx.db.display_name
    drain_workers()
    window.ctx.close()
