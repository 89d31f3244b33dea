"""An import's rolling backup is copied while the import is worked out (on its own thread, from
a read snapshot taken before the write began): the copy still holds exactly the data before
the import, even when it is copied after the import wrote its rows; and a backup that cannot
be written still stops the import with nothing changed."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

import cspm.service.backup as backup
from cspm.service.backup import list_backups
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.storage import accounts_repo, store_errors
from tests.store.helpers import accounts_csv


def _counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("imports", "accounts", "account_snapshots")
        )
    finally:
        conn.close()


def test_the_backup_copied_after_the_write_began_holds_the_data_before_it(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 40))
    before = _counts(ctx.db.file)
    written = threading.Event()
    real_insert, real_copy = accounts_repo.insert_snapshots, backup._copy_into

    def insert_then_signal(s, frame):  # type: ignore[no-untyped-def]
        real_insert(s, frame)
        s.flush()
        written.set()

    def copy_after_the_write(source, target):  # type: ignore[no-untyped-def]
        assert written.wait(30)  # the import's rows are in the database file's log now
        real_copy(source, target)

    monkeypatch.setattr(accounts_repo, "insert_snapshots", insert_then_signal)
    monkeypatch.setattr(backup, "_copy_into", copy_after_the_write)
    result = import_file(ctx, accounts_csv(tmp_path / "b.csv", 55))
    assert result.status == "imported" and result.new == 15
    newest = list_backups(ctx.db.url)[0]
    assert newest.reason == "before import"
    assert _counts(newest.path) == before
    assert _counts(ctx.db.file) == (before[0] + 1, 55, before[2] + 55)


def test_a_backup_that_cannot_be_written_stops_the_import(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(ctx, accounts_csv(tmp_path / "a.csv", 40))
    before = _counts(ctx.db.file)
    kept = [b.path for b in list_backups(ctx.db.url)]

    def disk_full(source, target):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_copy_into", disk_full)
    with pytest.raises(store_errors.StoreError, match="nothing was changed"):
        import_file(ctx, accounts_csv(tmp_path / "b.csv", 55))
    assert _counts(ctx.db.file) == before
    assert [b.path for b in list_backups(ctx.db.url)] == kept  # none pruned for a failed one
