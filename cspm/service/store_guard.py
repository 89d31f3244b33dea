"""The store checks itself: quick_check on open and before every write, backups before writes.

When what is checked (SQLite only; PostgreSQL checks its own storage):
- Opening (window, every CLI command): `PRAGMA quick_check`, unless the file is exactly as a
  check (or this cspm's own close) last left it: same inode, size and modification time of the
  file and its write-ahead log, recorded in the user cache folder. Any write, by cspm or
  anything else (4 KB of junk written into the middle), changes that fingerprint, so read
  commands pay the check once after each change, not on every run. A damaged file is refused
  for reading too: answers from it could be silently wrong.
- `guard_write` (the first call of every import, undo, re-dating, settings save; and restore):
  a fresh `quick_check` (skipped only when this same context checked the unchanged file moments
  ago), a rolling backup (`cspm.service.backup`), then the write transaction that follows on
  this thread takes SQLite's write lock at its start (BEGIN IMMEDIATE), so it writes exactly
  what it read and a second writer queues behind it.
- `cspm db check`: the full `PRAGMA integrity_check` (`check_database`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspm.core.errors import BadInputError
from cspm.storage import integrity, settings_repo, store_errors
from cspm.storage.db import SQLITE_HEADER, sqlite_file

if TYPE_CHECKING:
    from .backup import PendingBackup
    from .context import AppContext


def _record_path(path: Path) -> Path:
    from .frame_cache import cache_dir

    key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"checked-{key}.txt"


def _recorded(path: Path) -> str | None:
    try:
        return _record_path(path).read_text(encoding="utf-8")
    except OSError:
        return None


def _record(path: Path, fp: str | None) -> None:
    if fp is None:
        return
    record = _record_path(path)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(fp, encoding="utf-8")
    except OSError:
        pass  # only costs a check on the next open


def _quick_check(ctx: AppContext) -> None:
    problems = integrity.check_engine(ctx.db.engine)
    if problems:
        raise store_errors.damaged(ctx.db.name, problems[0])


def check_on_open(ctx: AppContext) -> None:
    """quick_check a SQLite file unless it is unchanged since the last check found it sound."""
    path = ctx.db.file
    if path is None:
        return
    fp = integrity.fingerprint(path)
    if fp is not None and fp == _recorded(path):
        ctx.cache.mark_verified(fp)
        return
    _quick_check(ctx)
    ctx.cache.mark_verified(fp)


def remember_sound(ctx: AppContext) -> None:
    """After the context's connections closed: the file as this (checked) session left it."""
    path = ctx.db.file
    if path is not None and ctx.cache.checked:
        _record(path, integrity.fingerprint(path))


def guard_write(
    ctx: AppContext, action: str, backups_kept: int | None = None, *, overlap: bool = False
) -> PendingBackup | None:
    """Before a write: refuse a damaged file, take a rolling backup, queue for the write lock.

    `action` names the write in the backup's file name ("import", "undo", "settings"...);
    `backups_kept`: the setting, when the caller has the settings already. `overlap`: return
    the backup still being copied (from a snapshot taken now, before the write) for the
    caller to `wait()` on before it commits, so the copy overlaps the work that prepares
    the write (an import's 0.6-1 s at 100,000 accounts); else it is whole on return."""
    path = ctx.db.file
    if path is None:
        return None
    fp = integrity.fingerprint(path)
    if fp is None or not ctx.cache.checked or fp != ctx.cache.verified:
        _quick_check(ctx)
        ctx.cache.mark_verified(fp)
    from .backup import start_rolling_backup

    if backups_kept is None:
        with ctx.db.session() as s:
            backups_kept = settings_repo.load_settings(s).db.backups_kept
    pending = start_rolling_backup(ctx, action, backups_kept)
    if pending is not None and not overlap:
        pending.wait()
        pending = None
    ctx.db.begin_immediate_next()
    return pending


@dataclass(frozen=True)
class CheckResult:
    database: str
    problems: list[str]
    checked: bool  # False: PostgreSQL, which checks its own storage


def check_database(url: str) -> CheckResult:
    """The full integrity_check, on the file directly (it works on a file too damaged to open)."""
    path = sqlite_file(url)
    if path is None:
        return CheckResult(url, [], False)
    if not path.is_file():
        raise BadInputError(f"{path} does not exist.")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise store_errors.not_a_database(str(path))
    import sqlite3

    try:
        problems = integrity.check_file(path, full=True)
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    return CheckResult(str(path), problems, True)
