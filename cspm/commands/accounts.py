"""`cspm accounts` (and `accounts show ACCOUNT`, in `account_show`) and `cspm override`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from . import CommandFactory, account_show, opened, out, out_pieces, sub_command

if TYPE_CHECKING:
    import pandas as pd

    from cspm.core.money import MoneyFormat

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
    from cspm.cli_format import ACCOUNT_JSON_COLUMNS
    from cspm.cli_frames import iter_csv, iter_json
    from cspm.service.book import resolve_owner
    from cspm.service.portfolio import list_accounts
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        owner = resolve_owner(ctx, args.owner)
        frame = list_accounts(
            ctx, tier=args.tier, stage=args.stage, segment=args.segment, owner=owner
        )
        money = money_format(ctx)
    if args.format == "json":
        out_pieces(iter_json(frame, ACCOUNT_JSON_COLUMNS))
    elif args.format == "csv":
        out_pieces(iter_csv(_segments_joined(frame), ACCOUNT_JSON_COLUMNS, TABLE_COLUMNS))
    else:
        out(_table(frame, money))
    return 0


def _segments_joined(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV has no lists: an account's segments as one "A; B" cell."""
    from cspm.cli_format import json_safe

    segments = frame["segments"] if "segments" in frame.columns else [None] * len(frame)
    return frame.assign(segments=["; ".join(json_safe(s) or []) for s in segments])


def _table(frame: pd.DataFrame, money: MoneyFormat) -> str:
    """The aligned table: an ARR with no rate in its own currency (flagged), and the related
    aggregates any listed account has, percentages as percentages."""
    import numpy as np

    from cspm.cli_format import json_safe
    from cspm.cli_frames import table_text
    from cspm.core.currency import unconverted_text
    from cspm.core.field_labels import is_percent, percent_text

    cells: dict[str, np.ndarray] = {}
    if {"arr", "arr_unconverted"} <= set(frame.columns):
        held = frame["arr"].isna().to_numpy() & frame["arr_unconverted"].notna().to_numpy()
        arr = np.full(len(frame), None, dtype=object)
        currency = frame["currency"] if "currency" in frame.columns else [None] * len(frame)
        for i in np.flatnonzero(held):
            code = json_safe(currency[i] if isinstance(currency, list) else currency.iloc[i])
            arr[i] = unconverted_text(json_safe(frame["arr_unconverted"].iloc[i]), code, money)
        cells["arr"] = arr
    related = [c for c in RELATED_TABLE_COLUMNS if c in frame.columns and frame[c].notna().any()]
    for c in related:
        if is_percent(c):
            values = frame[c].astype(object).to_numpy()
            cells[c] = np.array(
                [None if json_safe(v) is None else percent_text(json_safe(v)) for v in values],
                dtype=object,
            )
    return table_text(frame, [*TABLE_COLUMNS[:-1], *related, TABLE_COLUMNS[-1]], money, cells)


def me_command(args: argparse.Namespace) -> int:
    """Show, set (checked against the owners in the data) or clear "I am"."""
    from cspm.core.errors import BadInputError
    from cspm.service.book import my_owner_in, set_me
    from cspm.service.personal import current_user, my_owner

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
        with opened(args) as ctx:
            me = my_owner_in(ctx)
        if me is None:
            out("You have not said who you are: run `cspm me NAME`.")
        else:
            how = "" if my_owner() else f" (the owner named as you, {current_user()})"
            out(f"You are {me}{how}.")
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
