"""Stores a CS team shares: a SQLite file and, when a server is named, a PostgreSQL database.

`CSPM_TEST_PG_URL` names the server (CI sets it); without it the PostgreSQL cases are skipped
on a developer machine, and under CI=true a missing or unreachable server is a failure, so the
team tests really run on PostgreSQL in CI. Every test gets databases of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("CSPM_TEST_PG_URL")


def _admin_or_skip() -> Engine:
    if ADMIN_URL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CSPM_TEST_PG_URL is not set under CI")
        pytest.skip("CSPM_TEST_PG_URL is not set")
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {ADMIN_URL} under CI: {exc}")
        pytest.skip(f"no PostgreSQL server at {ADMIN_URL}")
    return engine


@pytest.fixture
def pg_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT connection pool to the server as its administrator."""
    engine = _admin_or_skip()
    yield engine
    engine.dispose()


def pg_url_for(name: str, user: str | None = None, password: str | None = None) -> str:
    """The test server's URL for database `name` (as `user`, when given)."""
    assert ADMIN_URL is not None
    url = make_url(ADMIN_URL).set(database=name)
    if user is not None:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def new_pg_database(pg_admin: Engine) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the server (returns each one's name); drops them after."""
    made: list[str] = []

    def make() -> str:
        name = f"cspm_team_{uuid.uuid4().hex[:10]}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return name

    yield make
    with pg_admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each kind: a SQLite file path, a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "team.sqlite3")
    make: Callable[[], str] = request.getfixturevalue("new_pg_database")
    return pg_url_for(make())
