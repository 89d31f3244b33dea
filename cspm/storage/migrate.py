"""Alembic, run in-process: the app upgrades its own database to the newest schema on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


class UnknownRevisionError(Exception):
    """The database is stamped with a revision this cspm does not know: a newer cspm wrote it."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known(revision: str) -> bool:
    """Whether this cspm has a migration named `revision` (an older or the current schema)."""
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade when the stored revision is behind; a no-op (one query) when current.

    A revision this cspm does not know raises UnknownRevisionError before anything is written:
    upgrading "to head" from there would fail half-way or, worse, rewrite a newer schema.
    """
    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None and not is_known(current):
        raise UnknownRevisionError(current)
    command.upgrade(cfg, "head")
