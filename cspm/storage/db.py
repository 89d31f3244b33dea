"""Opening the database: URL resolution, SQLite pragmas, schema migration to head.

SQLite is the default (one file in the user data directory); any SQLAlchemy URL works, so a team
can point the same app at PostgreSQL. Every SQLite connection gets WAL, foreign keys and a busy
timeout, because the GUI's worker threads and the main thread each hold their own connection.

Opening refuses, in one sentence (`cspm.storage.store_errors`), a file that is not a SQLite
database or holds another program's tables, a read-only file or folder, and a database stamped
by a newer cspm, before anything is written to it.

Writers queue. SQLite takes a write transaction's lock with `BEGIN IMMEDIATE`, issued here just
before the first INSERT/UPDATE/DELETE of a transaction (instead of the driver's deferred BEGIN,
which lets a reader's snapshot go stale and fail at its first write), or at the very start of
the transaction after `Database.begin_immediate_next()` (the write guard's promise that the
next transaction on this thread writes what it reads). A writer waits for another's lock up to
`lock_wait` seconds (the `db.lock_wait_seconds` setting), saying so through `notice` after
2 seconds, then stops with "another cspm is importing into this database".
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from cspm.core.errors import BadInputError, CspmError

from . import store_errors

SQLITE_HEADER = b"SQLite format 3\x00"
FIRST_WAIT = 2.0
"""Seconds a writer waits for another's lock before saying that it is waiting."""
DEFAULT_LOCK_WAIT = 120.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

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
    cur.execute(f"PRAGMA busy_timeout={int(FIRST_WAIT * 1000)}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (plain or `file:...?uri=true` form); None for memory or a server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    name = parsed.database
    if name.startswith("file:"):
        name = name[5:]
    if not name or name == ":memory:" or "mode=memory" in str(parsed.query):
        return None
    return Path(name)


def without_password(url: URL) -> URL:
    """The same URL with no password in it (`URL.set(password=None)` keeps the old one)."""
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def portfolio_name(url: str) -> str:
    """The file name of a SQLite URL, the database name of a server URL, "in-memory database"
    for memory: what a report or a window title may show without leaking a path or a host."""
    path = sqlite_file(url)
    if path is not None:
        return path.name
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "in-memory database"
    return parsed.database or parsed.get_backend_name()


def _stderr(text: str) -> None:
    print(f"cspm: {text}", file=sys.stderr, flush=True)


@dataclass
class Database:
    """An engine plus its session factory; one per application context."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    lock_wait: float = DEFAULT_LOCK_WAIT
    notice: Callable[[str], None] = _stderr
    """Told (once per wait) that a writer is waiting for another's lock."""

    def __post_init__(self) -> None:
        self._local = threading.local()

    @property
    def file(self) -> Path | None:
        """The SQLite file, or None (PostgreSQL, memory)."""
        return sqlite_file(self.url)

    @property
    def name(self) -> str:
        """How messages name the database: its file path, else the URL without password."""
        path = self.file
        return str(path) if path is not None else self.display_name

    @property
    def portfolio_name(self) -> str:
        """How reports and titles name the portfolio: the SQLite file's name ("team.sqlite3"),
        a server database's name ("cs_team"); never a URL, a host or a password."""
        return portfolio_name(self.url)

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

    # ---- write locking (SQLite) --------------------------------------------------------------
    def begin_immediate_next(self) -> None:
        """Make the next transaction begun on this thread take the write lock at its start."""
        self._local.immediate = True

    def _on_begin(self, conn: Any) -> None:
        if getattr(self._local, "immediate", False):
            self._local.immediate = False
            raw = conn.connection.driver_connection
            if not raw.in_transaction:
                self._begin_immediate(raw)

    def _before_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:7].upper().startswith(_WRITES):
            raw = conn.connection.driver_connection
            if not raw.in_transaction:
                self._begin_immediate(raw)

    def _begin_immediate(self, raw: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, waiting up to `lock_wait` seconds for another writer: the first
        FIRST_WAIT seconds quietly, then saying so through `notice`."""
        first = min(FIRST_WAIT, self.lock_wait)
        waits = [first] + ([self.lock_wait - first] if self.lock_wait > first else [])
        try:
            for i, wait in enumerate(waits):
                if i:
                    self.notice(
                        f"waiting for another cspm to finish writing to {self.name} "
                        f"(up to {self.lock_wait:g} s; setting db.lock_wait_seconds)..."
                    )
                raw.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc):
                        error = store_errors.translate(exc, self.name, self.lock_wait)
                        raise error or exc from None
            raise store_errors.locked(self.name, self.lock_wait)
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(FIRST_WAIT * 1000)}")

    def _on_error(self, context: ExceptionContext) -> BaseException | None:
        """Engine hook: a store failure a user can act on becomes one sentence (StoreError)."""
        if isinstance(context.original_exception, CspmError):
            return None
        if not self.is_sqlite:
            role = make_url(self.url).username
            return store_errors.translate_server(context.original_exception, self.name, role)
        return store_errors.translate(context.original_exception, self.name, self.lock_wait)


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
        path = sqlite_file(url)
        if path is not None:
            _check_file(path, read_only_asked="mode=ro" in str(parsed.query))
        kwargs["connect_args"] = {"timeout": FIRST_WAIT, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # missing driver module and the like
        raise BadInputError(f"Cannot use database {parsed.render_as_string()}: {exc}.") from exc
    database = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", database._on_begin)
        event.listen(engine, "before_cursor_execute", database._before_execute)
    event.listen(engine, "handle_error", database._on_error)
    if migrate:
        from .migrate import UnknownRevisionError, upgrade_to_head

        try:
            if database.is_sqlite:
                _refuse_foreign_tables(database)
            upgrade_to_head(engine)
            if "mode=ro" not in str(parsed.query):
                _upgrade_settings(database)
        except UnknownRevisionError as exc:
            engine.dispose()
            raise store_errors.newer(database.name, exc.revision) from None
        except CspmError:
            engine.dispose()
            raise
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BadInputError(f"Cannot open database {database.display_name}: {reason}.") from exc
    return database


def _upgrade_settings(database: Database) -> None:
    """Stamp settings documents written by older versions with the current schema (once: a
    database whose documents are current only reads three rows)."""
    from .settings_repo import upgrade_stored

    with database.session() as s:
        upgrade_stored(s)


def _check_file(path: Path, *, read_only_asked: bool) -> None:
    """Refuse, before connecting, what SQLite would only fail on later (or silently accept)."""
    name = str(path)
    if path.is_dir():
        raise store_errors.not_a_database(name)
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError:
            raise store_errors.StoreError(f"Cannot read {name}.", "cannot_open") from None
        if head and head != SQLITE_HEADER:
            raise store_errors.not_a_database(name)
        if not read_only_asked and not (
            os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        ):
            raise store_errors.read_only(name)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise store_errors.read_only(str(path.parent)) from None
    if not os.access(path.parent, os.W_OK):
        raise store_errors.read_only(str(path.parent))


def _refuse_foreign_tables(database: Database) -> None:
    """A SQLite file with tables but no schema stamp belongs to another program."""
    with database.engine.connect() as conn:
        names = {
            row[0]
            for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    if names and "alembic_version" not in names:
        raise store_errors.not_a_database(database.name)
