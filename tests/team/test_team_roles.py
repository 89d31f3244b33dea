"""A team database its owner sets up once, colleagues with their own logins, and one sentence
for a login that was never given the rights.

The fault: a second role got "cspm: internal error ... permission denied for table
alembic_version" (exit 1); nothing set up the grants a CSM needs. Now `cspm db init-team`
migrates and grants a group role, each colleague logs in as a member of it, and a login
outside it is told in one sentence which grant is missing and who can give it. PostgreSQL
only: roles are a server's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from cspm.cli import main
from cspm.service.frame_cache import database_key
from tests.files import write_csv
from tests.team.conftest import pg_url_for
from tests.team.test_undo_mine import DANA_ROWS, HEADER


@pytest.fixture
def roles(pg_admin: Engine, new_pg_database):
    """A team database and three fresh role names (group, member, outsider); the roles are
    dropped after the test (their grants first, in the database, which is then dropped)."""
    name = new_pg_database()
    tag = uuid.uuid4().hex[:8]
    made = {k: f"cspm_{k}_{tag}" for k in ("team", "dana", "guest")}
    yield name, made
    engine = create_engine(pg_url_for(name), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for role in made.values():
            if _exists(conn, role):
                conn.execute(text(f'DROP OWNED BY "{role}"'))
    engine.dispose()
    with pg_admin.connect() as conn:
        for role in made.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def _exists(conn, role: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def cspm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspm", "--today", "2026-11-23", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_init_team_gives_members_what_they_need_and_outsiders_one_sentence(
    roles, pg_admin: Engine, tmp_path: Path
) -> None:
    database, role = roles
    owner_url = pg_url_for(database)
    done = cspm("--db", owner_url, "db", "init-team", "--role", role["team"])
    assert done.returncode == 0, done.stderr
    assert f"Group role {role['team']}: created" in done.stdout
    assert ".pgpass" in done.stdout and f"IN ROLE {role['team']}" in done.stdout
    again = cspm("--db", owner_url, "db", "init-team", "--role", role["team"])
    assert again.returncode == 0 and "already there" in again.stdout

    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role["dana"]}" LOGIN IN ROLE "{role["team"]}"'))
        conn.execute(text(f'CREATE ROLE "{role["guest"]}" LOGIN'))
    dana_url = pg_url_for(database, user=role["dana"])
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *DANA_ROWS])
    imported = cspm("--db", dana_url, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    listed = cspm("--db", dana_url, "accounts", "--format", "json")
    assert {r["name"] for r in json.loads(listed.stdout)} == {"Acme Corp", "Globex"}
    tasks = cspm("--db", dana_url, "tasks", "--format", "json")
    assert tasks.returncode == 0, tasks.stderr
    logged = cspm("--db", dana_url, "log", "Acme Corp", "--kind", "call")
    assert logged.returncode == 0, logged.stderr

    guest = cspm("--db", pg_url_for(database, user=role["guest"]), "accounts")
    assert guest.returncode == 2
    message = guest.stderr.strip()
    assert message.count("\n") == 0 and "Traceback" not in message
    assert f"role {role['guest']} lacks a grant" in message
    assert "permission denied" in message and "cspm db init-team" in message


def test_init_team_refuses_a_sqlite_file(tmp_path: Path, capsys) -> None:
    code = main(["--db", str(tmp_path / "x.sqlite3"), "db", "init-team"])
    assert code == 2
    assert "PostgreSQL team database" in capsys.readouterr().err


def test_cache_files_are_named_without_the_password() -> None:
    with_secret = "postgresql+psycopg://dana:s3cret@db.example.com:5432/cs_team"
    other_secret = "postgresql+psycopg://dana:n3w@db.example.com:5432/cs_team"
    no_secret = "postgresql+psycopg://dana@db.example.com:5432/cs_team"
    assert database_key(with_secret) == database_key(other_secret) == database_key(no_secret)
    assert database_key(no_secret) != database_key(no_secret.replace("dana", "robin"))
