"""Read the stored accounts from the database while a large import file is being read.

An accounts import needs the stored accounts and snapshots (`stored_frames`) right after the
file is prepared: the big-changes preview compares against them and the write re-derives
each account's state from them. Reading them costs about as much as reading the file (3.5 s
and 2.8 s for 100,000 accounts), and the two do not compete for the interpreter: calamine
parses a workbook, and pandas' C parser tokenises a CSV, without holding the GIL. So
`stored_alongside` reads the frames in a second thread while the file is read, and waits
for it before returning, so nothing after it ever reads them twice and no thread outlives
the call. What the thread reads goes where `stored_frames` always puts it (the context's
cache, keyed by the accounts token); a failure there is left for the caller's own
`stored_frames` to meet and report in its own thread.

Not for small files (nothing to gain), nor when no core is free (measured on the shared
2-core machine at a load of 3.5, the two threads fighting for the interpreter made the whole
100k import 1-5 s slower instead of 0.7-2 s faster), nor for an in-memory SQLite database,
whose second connection would be a different, empty database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cspm.core.related.kinds import ACCOUNTS
from cspm.storage.db import sqlite_file

from .portfolio import stored_frames

if TYPE_CHECKING:
    from .context import AppContext

MIN_FILE_BYTES = 2_000_000
"""Files smaller than this (about 10,000 rows) are read in well under a second: no thread."""


def worth_prefetching(ctx: AppContext, path: Path, kind: str | None) -> bool:
    """Whether the file is large, may be an accounts file, a core is free, and the database
    can be read from a second connection."""
    if kind not in (None, ACCOUNTS):
        return False
    if ctx.db.is_sqlite and sqlite_file(ctx.db.url) is None:
        return False
    if not free_core():
        return False
    try:
        return path.stat().st_size >= MIN_FILE_BYTES
    except OSError:  # the reader says what is wrong with the file
        return False


def free_core() -> bool:
    """Whether the machine has a core the second thread can have: more than one, and the
    last minute's load average at least one below their number (no load average, as on
    Windows: assumed free)."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return True
    return load <= cores - 1


@contextmanager
def stored_alongside(ctx: AppContext, path: Path, kind: str | None) -> Iterator[None]:
    """Run the block (reading `path`) while a thread reads the stored frames; on leaving,
    wait for that thread, whatever the block did."""
    if not worth_prefetching(ctx, path, kind):
        yield
        return
    thread = threading.Thread(
        target=_read_stored, args=(ctx,), name="cspm-stored-frames", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _read_stored(ctx: AppContext) -> None:
    try:
        with ctx.db.session() as s:
            stored_frames(ctx, s)
    except Exception:  # the caller's own stored_frames meets it and reports it
        pass
