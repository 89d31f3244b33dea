"""Store failures as one sentence each: what happened to which database, and what to do.

SQLite reports a damaged file, a full disk, a read-only file or another writer's lock as an
OperationalError whose text is a library message, and SQLAlchemy wraps it with the SQL being
run. Neither is for a user. `translate` turns the ones a user can act on into a `StoreError`
(a `CspmError`: the CLI prints it and exits 2, the window shows it in a dialog); the engine's
`handle_error` hook (see `cspm.storage.db`) applies it to every statement, so no caller has to
catch driver errors itself. Anything not recognised stays what it was: a bug, reported as one.
"""

from __future__ import annotations

from cspm.core.errors import CspmError

RESTORE_HINT = "restore a backup with `cspm db restore BACKUP` (see `cspm db backups`)"


class StoreError(CspmError):
    """The database cannot be used as asked; nothing was written. `kind` names the cause."""

    def __init__(self, message: str, kind: str = "store") -> None:
        super().__init__(message)
        self.kind = kind


def damaged(name: str, detail: str) -> StoreError:
    return StoreError(f"{name} is damaged (quick_check: {detail}); {RESTORE_HINT}.", "damaged")


def not_a_database(name: str) -> StoreError:
    return StoreError(
        f"{name} is not a cspm database; choose the cspm database file, or a new file name "
        "to start one.",
        "not_a_database",
    )


def read_only(name: str) -> StoreError:
    return StoreError(
        f"{name} is read-only; cspm needs to write to it (make the file and its folder "
        "writable, or copy it somewhere you can write).",
        "read_only",
    )


def newer(name: str, revision: str) -> StoreError:
    return StoreError(
        f"{name}: this database was written by a newer cspm (revision {revision}); upgrade cspm.",
        "newer",
    )


def disk_full(name: str) -> StoreError:
    return StoreError(
        f"{name}: the disk is full (or the database reached its size limit); nothing was "
        "written. Free some space and try again.",
        "disk_full",
    )


def locked(name: str, waited: float) -> StoreError:
    return StoreError(
        f"{name}: another cspm is importing into this database; try again when it finishes "
        f"(waited {waited:g} s).",
        "locked",
    )


INIT_TEAM = "cspm db init-team --role GROUP"


def translate_server(exc: BaseException, name: str, role: str | None) -> StoreError | None:
    """The StoreError for a PostgreSQL failure a user can act on, by its SQLSTATE, or None.

    A team database fails in ways a laptop file does not: a role without the grants cspm
    needs, a schema only its owner may upgrade, a dropped connection, a colleague's write that
    met this one. Each becomes one sentence naming the database and what to do; the SQL stays
    in the log. Anything not recognised stays what it was: a bug, reported as one."""
    orig = getattr(exc, "orig", None) or exc
    state = str(getattr(orig, "sqlstate", "") or "")
    said = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    who = f"role {role}" if role else "your role"
    if state == "42501" and "must be owner" in said:
        return StoreError(
            f"{name}: this cspm needs the database's tables upgraded, which only their owner "
            f"may do ({said}); ask the owner to run `{INIT_TEAM}` with this cspm.",
            "privileges",
        )
    if state == "42501":
        return StoreError(
            f"{name}: the database {who} lacks a grant cspm needs ({said}); ask the team "
            f"database's owner to run `{INIT_TEAM}` and grant GROUP to {role or 'your role'}.",
            "privileges",
        )
    if state in ("40001", "40P01"):
        return StoreError(
            f"{name}: a colleague's change met this one at the same moment ({said}); nothing "
            "was written, try again.",
            "conflict",
        )
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return StoreError(
            f"Lost the connection to {name} ({said}); nothing was written, try again when the "
            "server is reachable.",
            "connection",
        )
    if state == "53100":
        return disk_full(name)
    if state == "25006":
        return StoreError(
            f"{name} is read-only (a standby server?); point cspm at the primary server.",
            "read_only",
        )
    if state.startswith("22"):
        return StoreError(f"{name} refused a value ({said}); nothing was written.", "value")
    return None


def translate(exc: BaseException, name: str, lock_wait: float) -> StoreError | None:
    """The StoreError for a SQLite failure a user can act on, or None (a bug, left as is)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return locked(name, lock_wait)
    if "database or disk is full" in text:
        return disk_full(name)
    if "readonly database" in text:
        return read_only(name)
    if "file is not a database" in text:
        return not_a_database(name)
    if "malformed" in text or "database corruption" in text:
        return damaged(name, text.strip().splitlines()[0])
    if "unable to open database file" in text:
        return StoreError(
            f"Cannot open {name}: the file or its folder cannot be read or written.", "cannot_open"
        )
    return None
