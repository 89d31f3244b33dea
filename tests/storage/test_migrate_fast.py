"""Opening a database at the newest schema skips Alembic (one query and the migration files'
`revision` lines); any other state still goes through it: a new database is created, an older
schema is upgraded to the newest, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from cspm.storage.db import open_database
from cspm.storage.migrate import alembic_config, head_from_files
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def _alembic_head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _stamp(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()


def test_the_files_name_the_head_alembic_names() -> None:
    assert head_from_files() == _alembic_head()


def _new_then_older(url: str) -> None:
    database = open_database(url)  # a new database: created and stamped by Alembic
    database.dispose()
    assert _stamp(url) == [_alembic_head()]
    database = open_database(url)  # at the head: nothing to do
    database.dispose()
    assert _stamp(url) == [_alembic_head()]


def test_a_new_and_an_older_sqlite_database(tmp_path: Path) -> None:
    _new_then_older(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    older = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    engine = create_engine(older)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0007_open_task_unique")  # a database an older cspm left
    engine.dispose()
    assert _stamp(older) == ["0007_open_task_unique"]
    assert "kind" not in _import_columns(older)
    open_database(older).dispose()
    assert _stamp(older) == [_alembic_head()]
    assert "kind" in _import_columns(older)  # what 0008 adds to `imports`


def _import_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[1] for r in conn.execute(text("PRAGMA table_info(imports)"))}
    finally:
        engine.dispose()


def test_a_new_postgres_database(pg_url: str) -> None:  # noqa: F811
    _new_then_older(pg_url)
