"""The URL of a team database as a CSM types it in the window: checked to be a PostgreSQL
server's (host and database named), the password put in when one was typed for this window.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

EXAMPLE = "postgresql://you@db.example.com:5432/cs_team"


def team_url(text: str, password: str) -> str:
    """The URL to open, the password put in; a sentence (ValueError) when it is not one."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise ValueError(
            f"'{text.strip()}' is not a database URL; it looks like {EXAMPLE}."
        ) from None
    if url.get_backend_name() != "postgresql" or not url.database or not url.host:
        raise ValueError(f"Give a PostgreSQL server's URL with host and database: {EXAMPLE}.")
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)
