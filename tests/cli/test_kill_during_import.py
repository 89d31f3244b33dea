"""kill -9 at any moment of an import leaves the store exactly before or exactly after it.

A real `python -m cspm import` of a 20,000-row file runs against a real SQLite database that
already holds an earlier import of the same accounts, and is killed with SIGKILL at random
moments: some spread over the whole run (start-up, reading, parsing), some after its write
transaction has begun (the database's write-ahead log is growing). Each time, a canonical dump
of the accounts, snapshots and import records must equal the dump before the import or the dump
after a run that finished, and the next command must work on the database as left.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cspm.cli import main

ROWS = 20_000
KILLS = int(os.environ.get("CSPM_KILL_RUNS", "5"))
VOLATILE = {"updated_at", "started_at", "finished_at"}  # wall-clock stamps of the run
REPO = Path(__file__).resolve().parents[2]


def write_accounts(path: Path, version: int) -> Path:
    """20,000 accounts; version 1 changes ARR, health and renewal of a third and adds 500."""
    rng = random.Random(version)
    count = ROWS if version == 0 else ROWS + 500
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date", "Health Score"]
        )
        for i in range(count):
            changed = version and i % 3 == 0
            arr = 1_000 + (i * 37) % 250_000 + (rng.randrange(5_000) if changed else 0)
            renewal = dt.date(2027, 1, 1) + dt.timedelta(
                days=(i * 7 + (30 if changed else 0)) % 700
            )
            health = (i * 13 + (11 if changed else 0)) % 101
            w.writerow([f"A{i:06d}", f"Account {i}", f"CSM {i % 40}", arr, renewal, health])
    return path


def dump(db: Path) -> dict[str, list[tuple]]:
    """The rows of the tables an import writes, without run-time stamps, in a fixed order."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for table in ("accounts", "account_snapshots", "imports"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in cols if c not in VOLATILE]
            out[table] = con.execute(
                f"SELECT {', '.join(keep)} FROM {table} ORDER BY id"
            ).fetchall()
        return out
    finally:
        con.close()


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy (the online backup API), so a WAL left behind never leaks between runs."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def start_import(db: Path, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cspm",
            "--db",
            str(db),
            "--today",
            "2026-11-23",
            "import",
            str(path),
            "--as-of",
            "2026-11-20",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wal_size(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_an_import_leaves_the_store_before_or_after(tmp_path: Path) -> None:
    earlier = write_accounts(tmp_path / "october.csv", 0)
    later = write_accounts(tmp_path / "november.csv", 1)
    base = tmp_path / "base.sqlite3"
    assert (
        main(
            [
                "--db",
                str(base),
                "--today",
                "2026-11-23",
                "import",
                str(earlier),
                "--as-of",
                "2026-10-20",
            ]
        )
        == 0
    )
    before = dump(base)

    finished = copy_db(base, tmp_path / "finished.sqlite3")
    began = time.monotonic()
    proc = start_import(finished, later)
    _, err = proc.communicate(timeout=300)
    duration = time.monotonic() - began
    assert proc.returncode == 0, err.decode()
    after = dump(finished)
    assert after != before and len(after["imports"]) == 2

    rng = random.Random()
    for run in range(KILLS):
        db = copy_db(base, tmp_path / f"killed{run}.sqlite3")
        quiet = wal_size(db)
        proc = start_import(db, later)
        if run % 2:  # a random moment of the whole run
            deadline = time.monotonic() + rng.uniform(0.1, 1.0) * duration
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.005)
        else:  # a random moment after the write transaction began
            limit = time.monotonic() + 2 * duration
            while wal_size(db) <= quiet and proc.poll() is None and time.monotonic() < limit:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.5) * duration)  # the writing takes about half
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)

        state = dump(db)
        assert state in (before, after), f"run {run}: the store is neither before nor after"

        code = main(["--db", str(db), "--today", "2026-11-23", "imports", "--format", "json"])
        assert code == 0
        code = main(["--db", str(db), "--today", "2026-11-23", "accounts", "--owner", "CSM 1"])
        assert code == 0
        for leftover in tmp_path.glob(f"killed{run}.sqlite3*"):  # the file, its WAL, backups
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
