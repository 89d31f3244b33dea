"""`cspm db`: check the database, list its automatic backups, restore one; set up a team one.

check, backups and restore work on the file itself, not through the usual open (which refuses
a damaged file), so they are the way out when a database is damaged. init-team sets up a
PostgreSQL database a CS team shares (`cspm.storage.team_setup`).
"""

from __future__ import annotations

import argparse

from . import CommandFactory, out, sub_command


def register(command: CommandFactory) -> None:
    p = command("db", "Check the database, list its automatic backups, restore one.")

    def usage(_args: argparse.Namespace) -> int:
        p.print_help()
        return 0

    p.set_defaults(handler=usage)
    sub = p.add_subparsers(dest="db_action", metavar="ACTION")
    s = sub_command(
        sub, "check", "full integrity check of the database file (PRAGMA integrity_check)"
    )
    s.set_defaults(handler=check)
    s = sub_command(sub, "backups", "list the automatic backups (newest first, numbered)")
    s.set_defaults(handler=backups)
    s = sub_command(
        sub, "restore", "make the database a copy of a backup (the replaced file is kept)"
    )
    s.add_argument("backup", help="a number or file name from `cspm db backups`, or a path")
    s.set_defaults(handler=restore)
    s = sub_command(
        sub,
        "init-team",
        "set up a PostgreSQL team database: its schema, and a group role with what a CSM needs "
        "(run as the database's owner, again after upgrading cspm)",
    )
    s.add_argument("url", nargs="?", help="the team database's URL (default: --db)")
    s.add_argument(
        "--role", default="cspm_team", help="the group role to create or grant (cspm_team)"
    )
    s.set_defaults(handler=init_team)


def _url(args: argparse.Namespace) -> str:
    from cspm.storage.db import resolve_url

    return resolve_url(args.db, demo=args.demo)


def check(args: argparse.Namespace) -> int:
    from cspm.core.errors import CspmError
    from cspm.service.store_guard import check_database
    from cspm.storage.store_errors import RESTORE_HINT

    result = check_database(_url(args))
    if not result.checked:
        out("PostgreSQL checks its own storage; there is nothing for cspm to check.")
        return 0
    if result.problems:
        for line in result.problems:
            out(line)
        raise CspmError(
            f"{result.database} is damaged (integrity_check: {result.problems[0]}); {RESTORE_HINT}."
        )
    out(f"{result.database}: ok (integrity_check found no problems).")
    return 0


def backups(args: argparse.Namespace) -> int:
    from cspm.service.backup import SERVER_NOTE, backups_folder, list_backups
    from cspm.storage.db import sqlite_file

    url = _url(args)
    path = sqlite_file(url)
    if path is None:
        out(SERVER_NOTE[0].upper() + SERVER_NOTE[1:] + ".")
        return 0
    found = list_backups(url)
    if not found:
        out(f"No backups yet in {backups_folder(path)}.")
        return 0
    out(f"Backups in {backups_folder(path)} (restore one with `cspm db restore N`):")
    for i, b in enumerate(found, 1):
        taken = b.taken.strftime("%Y-%m-%d %H:%M:%S")
        out(f"{i:>3}  {taken}  {b.reason:<22} {b.size / 1e6:8.1f} MB  {b.name}")
    return 0


def restore(args: argparse.Namespace) -> int:
    from cspm.service.backup import restore_backup

    result = restore_backup(_url(args), args.backup)
    out(f"Restored {result.database} from {result.restored.name}.")
    if result.replaced_copy is not None:
        out(f"The file it replaced is kept as {result.replaced_copy}.")
    return 0


def init_team(args: argparse.Namespace) -> int:
    from cspm.storage.team_setup import init_team as set_up

    url = args.url if args.url else _url(args)
    done = set_up(url if "://" in url else _url(args), args.role)
    role = done.role
    how = "created (it cannot log in)" if done.role_created else "already there"
    out(
        f"Team database {done.database} on {done.server} is ready "
        f"(schema {done.revision or 'current'}, in schema {done.schema})."
    )
    out(f"Group role {role}: {how}; it may read and write cspm's tables.")
    out("")
    out("For each colleague, as the server's administrator (psql):")
    out(f"  CREATE ROLE name LOGIN PASSWORD 'their password' IN ROLE {role};")
    out("")
    out("Then tell each colleague:")
    host, port = done.server.rsplit(":", 1)
    out("  1. Keep the password out of commands: put it in ~/.pgpass (chmod 600; on Windows")
    out("     %APPDATA%\\postgresql\\pgpass.conf), one line:")
    out(f"       {host}:{port}:{done.database}:NAME:PASSWORD")
    out("  2. Open the team database (the URL carries no password):")
    out(f"       cspm --db {done.url_for} accounts")
    out("     or set CSPM_DB to that URL (in the window: Settings > Database > Open team")
    out("     database...).")
    out('  3. Say who you are once: cspm me "Your Name" (recorded with every change you make).')
    out("")
    out("Run this again as the owner after upgrading cspm: it upgrades the schema and the grants.")
    return 0
