"""Setting up a PostgreSQL team database: the schema, and a group role with what a CSM needs.

The owner (or the server's administrator) runs this once, and again after upgrading cspm: it
migrates the schema (only a table's owner may alter it) and grants a NOLOGIN group role the
rights cspm uses, on the tables and sequences there now and on those later migrations add
(default privileges). Each colleague logs in as their own role, member of the group, so the
change log's `db_user` names them. Nothing here is needed on SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url

from cspm.core.errors import BadInputError

from .db import open_database, without_password
from .migrate import head_from_files

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class TeamSetup:
    database: str
    server: str  # host:port, as colleagues' URLs name it
    schema: str
    revision: str | None
    role: str
    role_created: bool
    url_for: str  # a colleague's URL with NAME in place of their login


def init_team(url: str, role: str) -> TeamSetup:
    """Migrate the team database at `url` and grant `role` (created NOLOGIN if missing) what a
    CSM needs. Runs as the URL's user: the tables' owner, with CREATEROLE for a new role."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise BadInputError(
            "cspm db init-team sets up a PostgreSQL team database; give its URL with --db "
            "(postgresql://OWNER@HOST:PORT/DATABASE)."
        )
    if not _ROLE.match(role):
        raise BadInputError(
            f"'{role}' cannot be a role name here: use lower-case letters, digits and _ "
            "(e.g. cspm_team)."
        )
    database = open_database(url)  # migrates to this cspm's schema, under the advisory lock
    try:
        with database.engine.begin() as conn:
            db_name, schema = conn.execute(
                text("SELECT current_database(), current_schema()")
            ).one()
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
            created = exists.first() is None
            if created:
                conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
            for grant in _grants(db_name, schema, role):
                conn.execute(text(grant))
    finally:
        database.dispose()
    host = parsed.host or "localhost"
    server = f"{host}:{parsed.port or 5432}"
    colleague = without_password(parsed).set(username="NAME", drivername="postgresql")
    return TeamSetup(
        db_name,
        server,
        schema,
        head_from_files(),
        role,
        created,
        colleague.render_as_string(hide_password=True),
    )


def _grants(db_name: str, schema: str, role: str) -> list[str]:
    """Connect, use the schema, read and write every table, draw ids from every sequence:
    now and for what later migrations create (default privileges of the migrating owner)."""
    table_rights = "SELECT, INSERT, UPDATE, DELETE"
    sequence_rights = "USAGE, SELECT, UPDATE"
    return [
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{db_name}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"',
        f'GRANT {table_rights} ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"',
        f'GRANT {sequence_rights} ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT {table_rights} ON TABLES TO "{role}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT {sequence_rights} ON SEQUENCES '
        f'TO "{role}"',
    ]
