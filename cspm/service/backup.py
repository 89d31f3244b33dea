"""Backing up the database file: a consistent copy even while the app has it open.

SQLite's online backup API copies page by page under the database's own locking, so a backup
taken mid-session is never a half-written file; the copy goes to a temporary file next to the
target and is renamed into place only when complete.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from cspm.core.errors import BadInputError

from .context import AppContext


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
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    raw = ctx.db.engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BadInputError(f"Could not write the backup {target.name}: {exc}.") from None
    finally:
        raw.close()
    return target
