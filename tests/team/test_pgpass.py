"""A team database's password remembered in the PostgreSQL password file every tool reads,
from the window's Open team database dialog; the URL never carries it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.pgpass import remember
from cspm.ui.team_database_dialog import TeamDatabaseDialog


@pytest.fixture
def pgpass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


def test_remember_keeps_one_private_line_per_server_database_and_user(pgpass: Path) -> None:
    pgpass.write_text("other.example.com:5432:*:ops:keep-me\n", encoding="utf-8")
    url = "postgresql://dana@db.example.com:5432/cs_team"
    remember(url, "first")
    remember(url, r"n3w:pa\ss")  # a colon and a backslash are escaped as libpq reads them
    lines = pgpass.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "other.example.com:5432:*:ops:keep-me",
        r"db.example.com:5432:cs_team:dana:n3w\:pa\\ss",
    ]
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600


def test_the_dialog_remembers_the_password_and_opens_without_it(qtbot, pgpass: Path) -> None:
    dialog = TeamDatabaseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.url_edit.setText("postgresql://dana@db.example.com:5432/cs_team")
    dialog.password_edit.setText("s3cret")
    dialog.remember_box.setChecked(True)
    with qtbot.waitSignal(dialog.chosen, timeout=10_000) as chosen:
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert chosen.args == ["postgresql://dana@db.example.com:5432/cs_team"]
    assert pgpass.read_text(encoding="utf-8") == "db.example.com:5432:cs_team:dana:s3cret\n"
