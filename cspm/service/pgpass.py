"""Remembering a team database's password the way every PostgreSQL tool reads it: a line in
the user's password file (`~/.pgpass`; Windows `%APPDATA%\\postgresql\\pgpass.conf`; the
PGPASSFILE variable names another), which the driver consults on every connection, so the
URL never carries the password and `cspm` on the command line, `psql` and the window all find
it. The file is kept private (mode 600), as libpq requires.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from cspm.core.errors import BadInputError


def password_file() -> Path:
    """Where libpq looks for passwords on this computer."""
    named = os.environ.get("PGPASSFILE")
    if named:
        return Path(named)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _field(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def remember(url: str, password: str) -> Path:
    """Keep `password` for the server, database and user `url` names (replacing the line an
    earlier one left); returns the file. The URL must name all four, as libpq matches them."""
    parsed = make_url(url)
    if not (parsed.host and parsed.database and parsed.username):
        raise BadInputError("Give the server, the database and your user name in the URL.")
    key = ":".join(
        _field(v) for v in (parsed.host, str(parsed.port or 5432), parsed.database, parsed.username)
    )
    path = password_file()
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if not line.startswith(key + ":")]
    kept.append(f"{key}:{_field(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pgpass-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(kept) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
