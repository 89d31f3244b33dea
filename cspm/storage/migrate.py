"""Alembic, run in-process: the app upgrades its own database to the newest schema on open.

Alembic itself is imported only when there is something to upgrade (or a revision to look
up): a database already at the newest schema is recognised by one query and a glance at the
migration files' `revision` lines, which spares every command about 70 ms of start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\b[^=\n]*=\s*(.+)$", re.M)


MIGRATION_LOCK_KEY = 0x6373706D  # "cspm": one advisory lock per PostgreSQL database
MIGRATION_LOCK_WAIT = 300.0
"""Seconds a first open waits for another process's migration on SQLite."""


def hold_migration_lock(connection: Connection) -> None:
    """Take the database's migration lock for the rest of `connection`'s transaction.

    Four colleagues opening a new team database at once all ran the migrations: three failed
    on "duplicate key ... pg_type_typname_nsp_index" (two CREATE TABLEs of one name). Under the
    lock one process migrates; the others wait, then find the schema at head (Alembic reads the
    stamp after the lock is held) and do nothing. PostgreSQL: a transaction-level advisory lock,
    released at commit or rollback, so a crashed migration never leaves it held. SQLite: the
    write lock (BEGIN IMMEDIATE) at the start, so the DDL, which the sqlite3 module would
    otherwise run outside any transaction, is one transaction under that lock."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif dialect == "sqlite":
        raw = connection.connection.driver_connection
        if raw is None or raw.in_transaction:
            return
        (before,) = raw.execute("PRAGMA busy_timeout").fetchone()
        raw.execute(f"PRAGMA busy_timeout={int(MIGRATION_LOCK_WAIT * 1000)}")
        try:
            raw.execute("BEGIN IMMEDIATE")
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(before)}")


class UnknownRevisionError(Exception):
    """The database is stamped with a revision this cspm does not know: a newer cspm wrote it."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known(revision: str) -> bool:
    """Whether this cspm has a migration named `revision` (an older or the current schema)."""
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def head_from_files() -> str | None:
    """The newest revision as the migration files name it (the one no file names as its
    `down_revision`), or None when the files do not say it plainly (then Alembic decides)."""
    revisions: set[str] = set()
    downs = ""
    for path in (MIGRATIONS / "versions").glob("*.py"):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        found = _REVISION.findall(source)
        if len(found) != 1:
            return None
        revisions.add(found[0])
        downs += " ".join(_DOWN.findall(source)) + " "
    heads = [r for r in revisions if f'"{r}"' not in downs and f"'{r}'" not in downs]
    return heads[0] if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The database's one schema stamp, read by plain SQL (None: none, several, or no table)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # no stamp table yet (a new database), or a failure Alembic will meet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade when the stored revision is behind; a no-op (one query) when current.

    A revision this cspm does not know raises UnknownRevisionError before anything is written:
    upgrading "to head" from there would fail half-way or, worse, rewrite a newer schema.
    """
    stored = _stored_revision(engine)
    if stored is not None and stored == head_from_files():
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None and not is_known(current):
        raise UnknownRevisionError(current)
    command.upgrade(cfg, "head")
