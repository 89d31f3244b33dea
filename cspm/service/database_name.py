"""The short name people use for a portfolio database: its file name, or a server's database.

A window title or a heading says "accounts.sqlite3" or "customer_success",
never `sqlite:////home/ann/.local/share/cspm/accounts.sqlite3` or a URL that could carry a
user name. Messages that must locate the database keep using `Database.name` (the full path).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from cspm.storage.db import sqlite_file

MEMORY = "in-memory database"


def database_title(url: str) -> str:
    """SQLite: the file name; in memory: "in-memory database"; a server: its database name,
    or the backend's name when the URL names none (never the host, user or password)."""
    path = sqlite_file(url)
    if path is not None:
        return path.name
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return MEMORY
    return parsed.database or backend
