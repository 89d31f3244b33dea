"""Opening the database: URL resolution, SQLite pragmas, schema migration to head.

SQLite is the default (one file in the user data directory); any SQLAlchemy URL works, so a team
can point the same app at PostgreSQL. Every SQLite connection gets WAL, foreign keys and a busy
timeout, because the GUI's worker threads and the main thread each hold their own connection.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from cspm.core.errors import BadInputError

APP_NAME = "cspm"
ENV_VAR = "CSPM_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "cspm.sqlite3"


def demo_db_path() -> Path:
    """The demo portfolio lives in its own file so it never mixes with real accounts."""
    return data_dir() / "demo.sqlite3"


def resolve_url(db: str | None = None, *, demo: bool = False) -> str:
    """`--db` wins, then (unless demo) CSPM_DB, then the default file; a plain path means SQLite."""
    value = db or (None if demo else os.environ.get(ENV_VAR))
    if not value:
        value = str(demo_db_path() if demo else default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@dataclass
class Database:
    """An engine plus its session factory; one per application context."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        """The URL without a password, for messages and report footers."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect, apply pending migrations, and return the Database.

    Raises BadInputError with one sentence when the URL is malformed or the server/file cannot
    be opened, so the CLI and window can say so without a traceback.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BadInputError(f"'{url}' is not a database URL or file path.") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 5, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # missing driver module and the like
        raise BadInputError(f"Cannot use database {parsed.render_as_string()}: {exc}.") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    database = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        try:
            from .migrate import upgrade_to_head

            upgrade_to_head(engine)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BadInputError(f"Cannot open database {database.display_name}: {reason}.") from exc
    return database
