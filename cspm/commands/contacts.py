"""`cspm contacts`: the contacts of the portfolio's accounts, filtered like the Contacts view."""

from __future__ import annotations

import argparse

from cspm.cli_format import format_records, frame_records

from . import CommandFactory, opened, out

TABLE_COLUMNS = [
    "account_name",
    "name",
    "email",
    "role",
    "last_login",
    "days_since_login",
]


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more days")
    return value


def register(command: CommandFactory) -> None:
    p = command(
        "contacts",
        "List the contacts of your accounts with role and last login; filter by account, "
        "inactivity and role.",
    )
    p.add_argument("account", nargs="?", help="one account: its ID or name")
    p.add_argument(
        "--inactive-days",
        type=_days,
        metavar="N",
        help="only contacts with no login in the last N days (or never logged in)",
    )
    p.add_argument(
        "--role",
        metavar="R",
        help='roles containing R (any case); "exec" = admins and executives',
    )
    p.add_argument("--owner", help='only the accounts of an owner, or "me" (see `cspm me`)')
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(handler=contacts)


def contacts(args: argparse.Namespace) -> int:
    from cspm.service.book import resolve_owner
    from cspm.service.contacts import CONTACT_COLUMNS, IMPORT_HINT, list_contacts

    with opened(args) as ctx:
        owner = resolve_owner(ctx, args.owner)
        result = list_contacts(
            ctx, args.account, inactive_days=args.inactive_days, role=args.role, owner=owner
        )
    records = frame_records(result.frame, CONTACT_COLUMNS)
    for r in records:  # whole days read better than 3.0; missing stays missing (null)
        if r["days_since_login"] is not None:
            r["days_since_login"] = int(r["days_since_login"])
    if args.format != "table":
        out(format_records(records, args.format, TABLE_COLUMNS))
        return 0
    if not result.imported:
        out(f"No contacts yet. {IMPORT_HINT}")
        return 0
    for r in records:
        if r["last_login"] is None:
            r["last_login"] = "never"
    out(format_records(records, "table", TABLE_COLUMNS))
    if result.unlinked:
        out(
            f"({result.unlinked} contact(s) link to no account and are not listed; "
            "`cspm imports list` shows the import that reported them.)"
        )
    return 0
