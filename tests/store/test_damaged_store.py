"""Issue 12 item 3: a damaged database is noticed before anything reads or writes it.

A 20,000-account database is built by a real import, copied, and 4 KB of random bytes are
written into the middle of the copy (what a bad sector or a stray write does)."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from tests.store.helpers import accounts_csv, digest, one_sentence, run

N = 20_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    db = folder / "big.sqlite3"
    ctx = AppContext.open(str(db), today=dt.date(2026, 11, 23))
    try:
        result = import_file(ctx, accounts_csv(folder / "big.csv", N))
        assert result.status == "imported"
    finally:
        ctx.close()
    return db


def damage(path: Path) -> None:
    size = path.stat().st_size
    junk = random.Random(12).randbytes(4096)
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(junk)


def test_damaged_copy_is_refused_for_reads_and_the_import(
    capsys, tmp_path: Path, big_db: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(big_db, copy)
    code, out, _ = run(capsys, "--db", str(copy), "imports", "list")
    assert code == 0 and "big.csv" in out  # the intact copy answers
    damage(copy)
    before = digest(copy)
    expected = f"cspm: {copy} is damaged (quick_check: "
    more = accounts_csv(tmp_path / "update.csv", N, arr_shift=3)
    for command in (["accounts"], ["imports", "list"], ["segments"], ["import", str(more)]):
        code, out, err = run(capsys, "--db", str(copy), *command)
        assert code == 2, command
        line = one_sentence(err)
        assert line.startswith(expected), line
        assert line.endswith(
            "restore a backup with `cspm db restore BACKUP` (see `cspm db backups`)."
        )
        assert out == ""
    assert digest(copy) == before  # the import refused before writing anything
    assert not Path(f"{copy}-wal").exists() or Path(f"{copy}-wal").stat().st_size == 0


def test_db_check_reports_damage_and_restore_brings_the_data_back(
    capsys, tmp_path: Path, big_db: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(big_db, copy)
    code, _, err = run(capsys, "--db", str(copy), "settings", "set", "db.backups_kept", "3")
    assert code == 0, err  # a settings save: the first automatic backup
    code, out, _ = run(capsys, "--db", str(copy), "db", "check")
    assert code == 0 and "ok" in out
    damage(copy)
    code, out, err = run(capsys, "--db", str(copy), "db", "check")
    assert code == 2
    assert "is damaged (integrity_check: " in one_sentence(err)
    code, out, _ = run(capsys, "--db", str(copy), "db", "backups")
    assert code == 0 and "before settings" in out
    code, out, err = run(capsys, "--db", str(copy), "db", "restore", "1")
    assert code == 0, err
    kept = sorted((tmp_path / "copy.sqlite3.backups").glob("*-replaced-by-restore.sqlite3"))
    assert len(kept) == 1 and f"kept as {kept[0]}" in out
    code, out, _ = run(capsys, "--db", str(copy), "accounts", "--format", "json")
    assert code == 0
    assert out.count('"external_id"') == N
    code, out, _ = run(capsys, "--db", str(copy), "db", "check")
    assert code == 0


def test_unchanged_file_is_not_checked_again_but_any_write_is(tmp_path: Path, big_db: Path) -> None:
    """Read opens check once per change of the file: the fingerprint of what was last found
    sound is kept, and junk written (which changes the file's time) is caught."""

    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(big_db, copy)
    AppContext.open(str(copy)).close()
    ctx = AppContext.open(str(copy))
    assert ctx.cache.checked
    ctx.close()
    damage(copy)
    os.utime(copy)  # as any write would
    from cspm.storage.store_errors import StoreError

    with pytest.raises(StoreError, match="is damaged"):
        AppContext.open(str(copy))


def test_opening_an_unchanged_file_matches_what_its_last_close_recorded(
    tmp_path: Path, big_db: Path
) -> None:
    """Opening a database creates an empty write-ahead log; that must not count as a change,
    or every command pays a quick_check of the whole file (0.7 s at 100,000 accounts)."""
    from cspm.service.store_guard import _recorded
    from cspm.storage.integrity import fingerprint

    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(big_db, copy)
    AppContext.open(str(copy)).close()
    recorded = _recorded(copy)
    ctx = AppContext.open(str(copy))
    try:
        assert recorded is not None and fingerprint(copy) == recorded
    finally:
        ctx.close()
