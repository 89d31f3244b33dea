"""`cspm accounts` (and `accounts show ACCOUNT`, in `account_show`) and `cspm override`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cspm.cli_format import format_records, frame_records, record_columns

from . import CommandFactory, account_show, opened, out, sub_command

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = [
    "external_id",
    "name",
    "owner",
    "tier",
    "lifecycle_stage",
    "arr",
    "health_score",
    "renewal_date",
    "last_interaction",
    "segments",
]
RELATED_TABLE_COLUMNS = [
    "subscriptions_active",
    "usage_events_30d",
    "usage_trend_30d",
    "contacts_inactive_share_10d",
    "exec_last_login",
]
"""Aggregates of related data the table adds when any listed account has a value (JSON and
CSV always carry every field, aggregates included, so scripts see one stable set of keys)."""


def register(command: CommandFactory) -> None:
    p = command("accounts", "List accounts with tier, lifecycle stage, health and segments.")
    p.add_argument("--tier")
    p.add_argument("--stage")
    p.add_argument("--segment")
    p.add_argument("--owner", help='an owner name, or "me" (see `cspm me`)')
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(handler=accounts)
    account_show.register(p.add_subparsers(dest="accounts_action", metavar="ACTION"), sub_command)

    p = command("me", 'Who you are ("I am"), for --owner me and the window\'s "Me" filter.')
    p.add_argument("name", nargs="?", help="the account owner you are (as in the data)")
    p.add_argument("--clear", action="store_true", help="forget who you are")
    p.set_defaults(handler=me_command)

    p = command("override", "Pin an account's tier (with a reason), or --clear the pin.")
    p.add_argument("account")
    p.add_argument("tier", nargs="?")
    p.add_argument("--reason", default="")
    p.add_argument("--clear", action="store_true")
    p.set_defaults(handler=override)


def accounts(args: argparse.Namespace) -> int:
    from cspm.service.book import resolve_owner
    from cspm.service.portfolio import list_accounts
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        owner = resolve_owner(ctx, args.owner)
        frame = list_accounts(
            ctx, tier=args.tier, stage=args.stage, segment=args.segment, owner=owner
        )
        money = money_format(ctx)
    if args.format in ("json", "csv"):  # column by column: seconds saved at 100,000 accounts
        out(_frame_text(frame, args.format))
        return 0
    records = frame_records(frame)
    columns = TABLE_COLUMNS
    if args.format == "table":
        from cspm.core.currency import unconverted_text
        from cspm.core.field_labels import is_percent, percent_text

        for r in records:  # an ARR with no rate shows in its own currency, flagged
            if r.get("arr") is None and r.get("arr_unconverted") is not None:
                r["arr"] = unconverted_text(r["arr_unconverted"], r.get("currency"), money)
        related = [c for c in RELATED_TABLE_COLUMNS if any(r.get(c) is not None for r in records)]
        columns = [*TABLE_COLUMNS[:-1], *related, TABLE_COLUMNS[-1]]
        for c in related:
            if is_percent(c):
                for r in records:
                    r[c] = None if r.get(c) is None else percent_text(r[c])
    out(format_records(records, args.format, columns, money))
    return 0


def _frame_text(frame: pd.DataFrame, fmt: str) -> str:
    """The account list as JSON, or as CSV with each account's segments in one cell."""
    from cspm.frame_text import frame_csv, frame_json

    columns = record_columns(frame)
    if fmt == "json":
        return frame_json(frame, columns)
    if "segments" in frame.columns:
        frame = frame.assign(segments=frame["segments"].map(lambda t: "; ".join(t or ())))
    return frame_csv(frame, columns)


def me_command(args: argparse.Namespace) -> int:
    """Show, set (checked against the owners in the data) or clear "I am"."""
    from cspm.core.errors import BadInputError
    from cspm.service.book import set_me
    from cspm.service.personal import my_owner

    if args.clear and args.name:
        raise BadInputError("Give a NAME or --clear, not both.")
    if args.clear:
        with opened(args) as ctx:
            set_me(ctx, None)
        out("Cleared: you have not said who you are.")
    elif args.name:
        with opened(args) as ctx:
            name = set_me(ctx, args.name)
        out(f'You are {name}: --owner me and the window\'s "Me" show their accounts.')
    else:
        me = my_owner()
        out(f"You are {me}." if me else "You have not said who you are: run `cspm me NAME`.")
    return 0


def override(args: argparse.Namespace) -> int:
    from cspm.core.errors import BadInputError
    from cspm.service.portfolio import set_tier_override

    if not args.clear and not args.tier:
        raise BadInputError("Give a TIER to pin, or --clear.")
    with opened(args) as ctx:
        key = set_tier_override(ctx, args.account, None if args.clear else args.tier, args.reason)
    out(f"{key}: tier pin {'cleared' if args.clear else 'set to ' + args.tier}.")
    return 0
