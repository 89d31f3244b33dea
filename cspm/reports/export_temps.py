"""Temporary files of exports in progress: named so they can be found, swept when orphaned.

A report is written to a hidden temporary file beside its target and moved into place at the
end (`safe_write`). An export killed in between (kill -9, a power cut) leaves that file, up to
tens of megabytes, where the user cannot see it. So each temporary file carries the id of the
process writing it, and a small journal entry in the cache folder remembers where it is:

- the next export into the same folder removes orphans it finds there;
- start-up (`sweep_leftover_exports`, called once by the CLI and the window) removes the
  orphans the journal lists, wherever they are.

An orphan is a temporary file whose process is gone. Where that cannot be asked (Windows),
one untouched for a day is taken as orphaned. Files not named like ours are never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

import platformdirs

_NAME = re.compile(r"^\.~.+\.(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.tmp$")
_ORPHAN_AGE_SECONDS = 24 * 3600


def temp_name(target: Path) -> str:
    """A fresh hidden name beside `target`: .~report.xlsx.<pid>-<random>.tmp"""
    return f".~{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def journal_dir() -> Path:
    """Where pending exports are noted; the cache folder (CSPM_CACHE_DIR overrides it)."""
    override = os.environ.get("CSPM_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir("cspm", False))
    return base / "pending-exports"


def note_pending(temp: Path) -> Path | None:
    """Remember `temp` until `forget` is called; None when the cache folder is not writable
    (the export still works, only the start-up sweep will not know this file)."""
    entry = journal_dir() / f"{temp.name}.path"
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(str(temp.resolve()), encoding="utf-8")
    except OSError:
        return None
    return entry


def forget(entry: Path | None) -> None:
    if entry is not None:
        with contextlib.suppress(OSError):
            entry.unlink()


def sweep_folder(folder: Path) -> int:
    """Remove orphaned temporary exports in one folder; how many were removed."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for item in entries:
            if item.name.startswith(".~") and _is_orphan(Path(item.path)):
                removed += _remove(Path(item.path))
    return removed


def sweep_leftover_exports() -> int:
    """Remove the orphaned temporary exports the journal knows of; how many were removed.

    Called once at start-up; never raises (a sweep that fails leaves files, not errors).
    """
    removed = 0
    with contextlib.suppress(OSError), os.scandir(journal_dir()) as entries:
        for item in entries:
            entry = Path(item.path)
            try:
                temp = Path(entry.read_text(encoding="utf-8").strip())
            except (OSError, UnicodeDecodeError):
                continue
            if not _NAME.match(temp.name) or temp.name != entry.name.removesuffix(".path"):
                forget(entry)  # not a note we wrote: drop it, touch nothing
                continue
            if temp.exists() and not _is_orphan(temp):
                continue
            removed += _remove(temp)
            forget(entry)
    return removed


def _is_orphan(path: Path) -> bool:
    match = _NAME.match(path.name)
    if match is None:
        return False
    pid = match.group("pid")
    if pid is not None and os.name == "posix":
        return not _process_alive(int(pid))
    try:
        return time.time() - path.stat().st_mtime > _ORPHAN_AGE_SECONDS
    except OSError:
        return False


def _process_alive(pid: int) -> bool:
    """Whether a process with this id runs (POSIX: signal 0 checks without sending)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or we cannot tell: leave the file
    return True


def _remove(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError:
        return 0
    with contextlib.suppress(OSError):
        (journal_dir() / f"{path.name}.path").unlink()
    return 1
