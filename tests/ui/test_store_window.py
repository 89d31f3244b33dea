"""The window and the store: open-database errors as readable dialogs, and the automatic
backups listed, restored and checked from Settings > Files & database."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.settings import set_value
from cspm.ui.main_window import MainWindow
from cspm.ui.settings_database import DatabasePanel
from tests.store.helpers import accounts_csv


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def error_texts() -> list[str]:
    return [
        w.text()
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "cspm-error"
    ]


def open_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=30_000)
    return window


def test_opening_a_text_file_or_a_damaged_database_shows_one_sentence(
    qtbot, ctx, tmp_path: Path
) -> None:
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 500))
    window = open_window(qtbot, ctx)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    window.open_database(str(notes))
    qtbot.waitUntil(lambda: bool(error_texts()), timeout=10_000)
    assert error_texts() == [
        f"{notes} is not a cspm database; choose the cspm database file, or a new file name "
        "to start one."
    ]
    assert window.ctx is ctx  # the open database stays open
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()
    qtbot.waitUntil(lambda: not error_texts(), timeout=5_000)

    copy = tmp_path / "copy.sqlite3"
    conn = sqlite3.connect(Path(ctx.db.file))  # everything into the main file, then copy it
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(Path(ctx.db.file), copy)
    size = copy.stat().st_size
    with copy.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(random.Random(3).randbytes(4096))
    window.open_database(str(copy))
    qtbot.waitUntil(lambda: bool(error_texts()), timeout=10_000)
    (text,) = error_texts()
    assert text.startswith(f"{copy} is damaged (quick_check: ")
    assert "cspm db restore BACKUP" in text
    assert window.ctx is ctx


def test_backups_are_listed_and_one_is_restored_from_settings(qtbot, ctx, tmp_path: Path) -> None:
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 40))
    import_file(ctx, accounts_csv(tmp_path / "b.csv", 60), None)  # a backup holding 40
    set_value(ctx, "db.backups_kept", "4")
    panel = DatabasePanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    reasons = [
        panel.backups_list.item(i).data(Qt.ItemDataRole.UserRole).reason
        for i in range(panel.backups_list.count())
    ]
    assert reasons == ["before settings", "before import", "before import"]
    assert not panel.restore_button.isEnabled()
    panel.backups_list.setCurrentRow(1)  # taken before the second import: 40 accounts
    assert panel.restore_button.isEnabled()
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    box = panel.findChild(QMessageBox, "cspm-confirm")
    assert box is not None and "before import" in box.text()
    with qtbot.waitSignal(panel.database_requested, timeout=10_000) as reopen:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert reopen.args == [ctx.db.url]
    assert "Restored the backup" in panel.db_message.text()
    ctx.cache.clear()
    assert len(list_accounts(ctx)) == 40
    reasons = [
        panel.backups_list.item(i).data(Qt.ItemDataRole.UserRole).reason
        for i in range(panel.backups_list.count())
    ]
    assert reasons[0] == "replaced by restore"

    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "sound" in panel.db_message.text(), timeout=10_000)


def test_a_damaged_database_at_start_offers_the_newest_backup(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer

    from cspm.service.context import AppContext
    from cspm.ui.app import open_at_start

    db = tmp_path / "book.sqlite3"
    ctx = AppContext.open(str(db))
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 400))
    import_file(ctx, accounts_csv(tmp_path / "b.csv", 500))  # backed up first: 400 accounts
    ctx.close()
    with db.open("r+b") as fh:
        fh.seek(db.stat().st_size // 2)
        fh.write(random.Random(5).randbytes(4096))
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        seen.append(box.text())
        restore = next(b for b in box.buttons() if b.text() == "Restore and open")
        restore.click()

    QTimer.singleShot(0, answer)
    opened = open_at_start(str(db))
    assert opened is not None
    try:
        assert seen[0].startswith(f"{db} is damaged (quick_check: ")
        assert "Restore the newest backup" in seen[0] and "(before import)" in seen[0]
        assert len(list_accounts(opened)) == 400
    finally:
        opened.close()
    kept = list((tmp_path / "book.sqlite3.backups").glob("*-replaced-by-restore.sqlite3"))
    assert len(kept) == 1
