"""Issue 12 item 4: store errors are one sentence and exit 2, and nothing is written.

Every case is a real file in a real state: a text file, a read-only file, a database stamped by
a newer cspm, a database SQLite itself finds full (max_page_count), another writer's lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from tests.store.helpers import accounts_csv, digest, one_sentence, run


@pytest.fixture
def stocked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A database holding one import of 50 accounts."""
    db = tmp_path / "book.sqlite3"
    code, _, err = run(capsys, "--db", str(db), "import", str(accounts_csv(tmp_path / "a.csv", 50)))
    assert code == 0, err
    return db


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM accounts").fetchone()[0])
    finally:
        conn.close()


def test_a_text_file_is_not_a_cspm_database(capsys, tmp_path: Path) -> None:
    notes = tmp_path / "accounts.csv"
    notes.write_text("Account ID,Account Name\nA1,Acme\n", encoding="utf-8")
    before = digest(notes)
    for command in (["accounts"], ["import", str(accounts_csv(tmp_path / "a.csv", 3))]):
        code, _, err = run(capsys, "--db", str(notes), *command)
        assert code == 2
        assert one_sentence(err) == (
            f"cspm: {notes} is not a cspm database; choose the cspm database file, or a new "
            "file name to start one."
        )
    assert digest(notes) == before


def test_another_programs_sqlite_file_is_not_a_cspm_database(capsys, tmp_path: Path) -> None:
    other = tmp_path / "places.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "--db", str(other), "accounts")
    assert code == 2
    assert "is not a cspm database" in one_sentence(err)
    conn = sqlite3.connect(other)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"moz_places"}  # no cspm tables were added to it


def test_read_only_database_refuses_the_import(capsys, tmp_path: Path, stocked: Path) -> None:
    """Opened read-only (SQLite's mode=ro, which holds for root too): the write is refused."""
    url = f"sqlite:///file:{stocked}?mode=ro&uri=true"
    code, out, _ = run(capsys, "--db", url, "accounts")
    assert code == 0 and "Company 7 Ltd" in out  # reading a read-only database still works
    more = accounts_csv(tmp_path / "more.csv", 80)
    code, _, err = run(capsys, "--db", url, "import", str(more))
    assert code == 2
    assert one_sentence(err).startswith(f"cspm: {stocked} is read-only; cspm needs to write")
    assert count(stocked) == 50


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes through chmod 444; the mode=ro test covers the read-only refusal",
)
def test_chmod_444_database_is_read_only(capsys, tmp_path: Path, stocked: Path) -> None:
    stocked.chmod(0o444)
    code, _, err = run(
        capsys, "--db", str(stocked), "import", str(accounts_csv(tmp_path / "m.csv", 9))
    )
    assert code == 2
    assert "is read-only" in one_sentence(err)


def test_database_from_a_newer_cspm(capsys, stocked: Path) -> None:
    conn = sqlite3.connect(stocked)
    conn.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(stocked)
    code, _, err = run(capsys, "--db", str(stocked), "accounts")
    assert code == 2
    assert one_sentence(err) == (
        f"cspm: {stocked}: this database was written by a newer cspm "
        "(revision 0042_from_the_future); upgrade cspm."
    )
    assert digest(stocked) == before


@pytest.fixture
def full_disk(stocked: Path):
    """Every new SQLite connection may grow the file by 3 pages only: SQLite itself then fails
    with SQLITE_FULL ("database or disk is full") as on a full disk."""

    def limit(dbapi_conn, _record) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 3}")

    event.listen(Engine, "connect", limit)
    yield stocked
    event.remove(Engine, "connect", limit)


def test_disk_full_is_one_sentence_and_nothing_is_written(
    capsys, tmp_path: Path, full_disk: Path
) -> None:
    more = accounts_csv(tmp_path / "more.csv", 3_000, arr_shift=5)
    code, _, err = run(capsys, "--db", str(full_disk), "import", str(more))
    assert code == 2
    assert one_sentence(err) == (
        f"cspm: {full_disk}: the disk is full (or the database reached its size limit); "
        "nothing was written. Free some space and try again."
    )
    assert count(full_disk) == 50
    conn = sqlite3.connect(full_disk)
    assert conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    conn.close()


def _hold_write_lock(db: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    threading.Event().wait(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def test_locked_database_waits_then_says_so(capsys, tmp_path: Path, stocked: Path) -> None:
    """Another writer holds the lock longer than db.lock_wait_seconds: after 2 s the import says
    it is waiting, then gives up with one sentence, exit 2; nothing written."""
    code, _, err = run(
        capsys, "--db", str(stocked), "settings", "set", "db.lock_wait_seconds", "2.5"
    )
    assert code == 0, err
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(stocked, 8, held))
    holder.start()
    held.wait(5)
    try:
        more = accounts_csv(tmp_path / "more.csv", 80)
        code, _, err = run(capsys, "--db", str(stocked), "import", str(more))
    finally:
        holder.join()
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == (
        f"cspm: waiting for another cspm to finish writing to {stocked} "
        "(up to 2.5 s; setting db.lock_wait_seconds)..."
    )
    assert one_sentence(lines[1]) == (
        f"cspm: {stocked}: another cspm is importing into this database; try again when it "
        "finishes (waited 2.5 s)."
    )
    assert count(stocked) == 50


def test_concurrent_writers_queue(capsys, tmp_path: Path, stocked: Path) -> None:
    """A writer that meets another's lock waits for it and then writes (BEGIN IMMEDIATE)."""
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(stocked, 0.5, held))
    holder.start()
    held.wait(5)
    try:
        more = accounts_csv(tmp_path / "more.csv", 80)
        code, _, err = run(capsys, "--db", str(stocked), "import", str(more))
    finally:
        holder.join()
    assert code == 0, err
    assert count(stocked) == 80


def test_two_imports_at_once_both_land(capsys, tmp_path: Path, stocked: Path) -> None:
    """Two cspm processes importing into one database at the same moment: the second queues
    behind the first's write lock, and both imports are stored whole."""
    import subprocess
    import sys

    files = [accounts_csv(tmp_path / f"{n}.csv", 3_000, arr_shift=k) for k, n in enumerate("xy")]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cspm", "--db", str(stocked), "import", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    conn = sqlite3.connect(stocked)
    statuses = [r[0] for r in conn.execute("SELECT status FROM imports ORDER BY id")]
    snapshots = conn.execute("SELECT count(*) FROM account_snapshots").fetchone()[0]
    conn.close()
    assert statuses == ["committed"] * 3
    assert snapshots == 50 + 3_000 + 3_000
    assert count(stocked) == 3_000


def test_a_lock_wait_under_two_seconds_gives_up_quietly(
    capsys, tmp_path: Path, stocked: Path
) -> None:
    code, _, _ = run(capsys, "--db", str(stocked), "settings", "set", "db.lock_wait_seconds", "0.3")
    assert code == 0
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(stocked, 3, held))
    holder.start()
    held.wait(5)
    try:
        code, _, err = run(capsys, "--db", str(stocked), "imports", "undo")
    finally:
        holder.join()
    assert code == 2
    assert "another cspm is importing into this database" in one_sentence(err)
    assert count(stocked) == 50
