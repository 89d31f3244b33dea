"""Backing up the database file: a consistent copy even while the app has it open.

SQLite's online backup API copies page by page under the database's own locking, so a backup
taken mid-session is never a half-written file; the copy goes to a temporary file next to the
target and is renamed into place only when complete.

Rolling backups: before each import, undo, re-dating and settings save (see `store_guard`),
the database is copied into a folder beside it, `<file name>.backups/` (beside, not in the user
data folder, so the backups travel with the database and a second database keeps its own), as
`<time>-before-<action>.sqlite3`; the newest `db.backups_kept` (default 5) are kept. A restore
first copies the file it replaces to `<time>-replaced-by-restore.sqlite3`, which is never pruned.
PostgreSQL keeps no backups here: they are the server's job (pg_dump, point-in-time recovery).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from cspm.core.errors import BadInputError
from cspm.storage import integrity, store_errors
from cspm.storage.db import SQLITE_HEADER, sqlite_file

if TYPE_CHECKING:
    from .context import AppContext


SERVER_NOTE = (
    "backups of a PostgreSQL database are the server's job (pg_dump or point-in-time "
    "recovery); cspm keeps none"
)
_STAMP = "%Y-%m-%dT%H%M%S.%f"
_STAMP_LEN = len("2026-01-01T000000.000000")
_BEFORE = "-before-"
REPLACED = "replaced-by-restore"


def backup_database(ctx: AppContext, target: Path) -> Path:
    """Copy the open SQLite database to `target` (replacing it); returns the target path."""
    if not ctx.db.is_sqlite:
        raise BadInputError(
            "Only a SQLite database can be backed up from cspm; back up a PostgreSQL "
            "database with pg_dump."
        )
    target = Path(target).expanduser()
    source = make_url(ctx.db.url).database
    if source and source != ":memory:" and target.resolve() == Path(source).resolve():
        raise BadInputError("Choose another file for the backup: that is the database itself.")
    if not target.parent.is_dir():
        raise BadInputError(f"The folder {target.parent} does not exist.")
    raw = ctx.db.engine.raw_connection()
    try:
        _copy_into(raw.driver_connection, target)
    finally:
        raw.close()
    return target


def _copy_into(source: Any, target: Path) -> None:
    """Copy the database of the sqlite3 connection `source` (its open read transaction's
    snapshot, if it has one) to `target` through a partial file renamed when whole."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            # A fresh file renamed into place only when whole needs no journal and no syncs
            # of its own; one fsync before the rename makes it durable (4 ms instead of 18 ms
            # for a small database: this runs before every import).
            copy.execute("PRAGMA journal_mode=OFF")
            copy.execute("PRAGMA synchronous=OFF")
            source.backup(copy)
        finally:
            copy.close()
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BadInputError(f"Could not write the backup {target.name}: {exc}.") from None


@dataclass(frozen=True)
class BackupInfo:
    """One file in a database's backups folder."""

    path: Path
    taken: dt.datetime
    reason: str  # "before import", "replaced by restore", ...
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def backups_folder(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".backups")


def _file_of(url: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise BadInputError(SERVER_NOTE[0].upper() + SERVER_NOTE[1:] + ".")
    return path


def take_rolling_backup(ctx: AppContext, action: str, kept: int) -> Path | None:
    """Copy the database before `action`, keeping the newest `kept`; None when kept is 0.

    A backup that cannot be written stops the action (nothing is changed): writing without
    the copy the user relies on would break the promise silently."""
    pending = start_rolling_backup(ctx, action, kept)
    return pending.wait() if pending is not None else None


@dataclass
class PendingBackup:
    """A rolling backup being copied on its own thread from a read snapshot taken before the
    write it guards began: the copy holds the data before the write whatever the write does
    meanwhile (WAL: a reader keeps its snapshot while one writer appends). `wait()` before the
    write commits: it raises the backup's failure (so the write is rolled back: nothing
    changed) and prunes the old backups only once the new one is whole."""

    target: Path
    action: str
    kept: int
    database: Path
    thread: threading.Thread | None = None
    error: BaseException | None = None

    def wait(self) -> Path:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            reason = str(self.error).rstrip(".")
            raise store_errors.StoreError(
                f"Could not back up {self.database} before the {self.action} ({reason}); "
                "nothing was changed.",
                "backup_failed",
            ) from None
        _prune(self.target.parent, self.kept)
        return self.target


def start_rolling_backup(ctx: AppContext, action: str, kept: int) -> PendingBackup | None:
    """Begin the rolling backup before `action`: the read snapshot is taken now, on this
    thread; the pages are copied on another (SQLite copies without the GIL), overlapping the
    work that prepares the write. None when backups are off or the database is no file."""
    path = ctx.db.file
    if kept <= 0 or path is None:
        return None
    folder = backups_folder(path)
    stamp = dt.datetime.now().strftime(_STAMP)
    pending = PendingBackup(folder / f"{stamp}{_BEFORE}{action}.sqlite3", action, kept, path)
    try:
        folder.mkdir(exist_ok=True)
        raw = ctx.db.engine.raw_connection()
    except (OSError, sqlite3.Error) as exc:
        pending.error = exc
        return pending
    source = raw.driver_connection
    try:
        source.execute("BEGIN")  # type: ignore[union-attr]
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        raw.close()
        pending.error = exc
        return pending

    def copy() -> None:
        try:
            _copy_into(source, pending.target)
        except BaseException as exc:  # handed to wait(), on the writer's thread
            pending.error = exc
        finally:
            try:
                source.rollback()  # type: ignore[union-attr]
            finally:
                raw.close()

    pending.thread = threading.Thread(target=copy, name="cspm-backup", daemon=True)
    pending.thread.start()
    return pending


def _prune(folder: Path, kept: int) -> None:
    rolling = sorted(p for p in folder.glob(f"*{_BEFORE}*.sqlite3"))
    for old in rolling[:-kept] if kept > 0 else rolling:
        old.unlink(missing_ok=True)


def list_backups(url: str) -> list[BackupInfo]:
    """The backups of the SQLite database at `url`, newest first ([] for PostgreSQL)."""
    path = sqlite_file(url)
    if path is None:
        return []
    folder = backups_folder(path)
    out = []
    for p in folder.glob("*.sqlite3") if folder.is_dir() else []:
        try:
            taken = dt.datetime.strptime(p.stem[:_STAMP_LEN], _STAMP)
        except ValueError:
            continue
        reason = p.stem[_STAMP_LEN + 1 :].replace("-", " ")
        out.append(BackupInfo(p, taken, reason, p.stat().st_size))
    return sorted(out, key=lambda b: b.taken, reverse=True)


def url_of(db: str | None, *, demo: bool = False) -> str:
    """The database URL `--db` / CSPM_DB / the default file names (for a database that the
    usual open refused, so there is no context to ask)."""
    from cspm.storage.db import resolve_url

    return resolve_url(db, demo=demo)


def find_backup(url: str, which: str) -> Path:
    """A backup named by its number in `cspm db backups` (1 = newest), its file name, or a path."""
    backups = list_backups(url)
    if which.isdigit() and 1 <= int(which) <= len(backups):
        return backups[int(which) - 1].path
    for b in backups:
        if b.name == which:
            return b.path
    candidate = Path(which).expanduser()
    if candidate.is_file():
        return candidate
    listed = "none kept yet" if not backups else f"1-{len(backups)} in `cspm db backups`"
    raise BadInputError(f"No backup '{which}' ({listed}).")


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    database: Path
    replaced_copy: Path | None  # the file that was replaced, kept in the backups folder


def restore_backup(url: str, which: str) -> RestoreResult:
    """Make the database at `url` a copy of a backup again, keeping a copy of what it replaces.

    The backup is checked first (quick_check, and a schema this cspm knows); then its pages are
    written into the database through SQLite's backup API, under the database's own lock, so a
    window that has the file open sees the restored data rather than a file swapped under it.
    Only a file SQLite cannot open at all is replaced as a file."""
    db_file = _file_of(url)
    backup = find_backup(url, which)
    if backup.resolve() == db_file.resolve():
        raise BadInputError(f"{backup} is the database itself; choose one of its backups.")
    _check_backup(backup)
    folder = backups_folder(db_file)
    folder.mkdir(exist_ok=True)
    copy: Path | None = None
    if db_file.exists():
        copy = folder / f"{dt.datetime.now().strftime(_STAMP)}-{REPLACED}.sqlite3"
        _copy_current(db_file, copy)
    try:
        _write_into(backup, db_file)
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc):
            raise store_errors.locked(str(db_file), 0) from None
        for suffix in ("-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(backup, db_file)
    return RestoreResult(backup, db_file, copy)


def _check_backup(backup: Path) -> None:
    from cspm.storage.migrate import is_known

    with backup.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise store_errors.not_a_database(str(backup))
    try:
        problems = integrity.check_file(backup)
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise store_errors.not_a_database(str(backup)) from None
        raise store_errors.StoreError(
            f"The backup {backup} is damaged ({exc}); choose another.", "damaged"
        ) from None
    if problems:
        raise store_errors.StoreError(
            f"The backup {backup} is damaged (quick_check: {problems[0]}); choose another.",
            "damaged",
        )
    if row and not is_known(str(row[0])):
        raise store_errors.newer(str(backup), str(row[0]))


def _copy_current(db_file: Path, copy: Path) -> None:
    """A copy of the current file, through the backup API when SQLite can still read it."""
    try:
        src = sqlite3.connect(db_file)
        try:
            dst = sqlite3.connect(copy)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError:
        shutil.copyfile(db_file, copy)
        wal = Path(f"{db_file}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{copy}-wal"))


def _write_into(backup: Path, db_file: Path) -> None:
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(db_file, timeout=5)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
