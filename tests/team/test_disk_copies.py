"""Disk copies of a portfolio can be switched off on a laptop (a team's shared portfolio then
never lands in its cache folder), from Settings > Database or CSPM_DISK_COPIES=off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service import frame_cache
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.ui.settings_database import DatabasePanel
from tests.conftest import TODAY, drain_workers
from tests.store.helpers import accounts_csv


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A portfolio counted as large (copies are kept for large ones only)."""
    monkeypatch.setattr(frame_cache, "MIN_ACCOUNTS", 10)
    url = str(tmp_path / "team.sqlite3")
    ctx = AppContext.open(url, today=TODAY)
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 40))
    ctx.close()
    return url


def copies() -> list[str]:
    """The copies of portfolio data in the cache folder (not the integrity check's marker,
    which holds a file fingerprint, no data)."""
    folder = frame_cache.cache_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("checked-"))


def use(url: str) -> None:
    ctx = AppContext.open(url, today=TODAY)
    assert len(list_accounts(ctx)) == 40
    ctx.close()


def test_copies_are_kept_unless_switched_off_for_the_command_line(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in copies():
        (frame_cache.cache_dir() / name).unlink()
    monkeypatch.setenv("CSPM_DISK_COPIES", "off")
    use(store)
    assert copies() == []
    monkeypatch.delenv("CSPM_DISK_COPIES")
    use(store)
    assert copies() != []


def test_switching_copies_off_in_settings_removes_them_and_keeps_none(qtbot, store: str) -> None:
    use(store)
    assert copies() != []
    ctx = AppContext.open(store, today=TODAY)
    panel = DatabasePanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(panel.copies_box.isEnabled, timeout=10_000)
    assert panel.copies_box.isChecked()
    qtbot.mouseClick(panel.copies_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No copies are kept" in panel.db_message.text(), timeout=10_000)
    assert copies() == []
    drain_workers()
    ctx.close()
    use(store)
    assert copies() == []
    assert os.environ.get("CSPM_DISK_COPIES") is None
    again = DatabasePanel(AppContext.open(store, today=TODAY))
    qtbot.addWidget(again)
    qtbot.waitUntil(again.copies_box.isEnabled, timeout=10_000)
    assert not again.copies_box.isChecked()
    drain_workers()
    again.ctx.close()
