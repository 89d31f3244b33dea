"""`cspm contacts`: the contacts of the portfolio's accounts, filtered like the Contacts view."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from . import CommandFactory, opened, out, out_pieces

if TYPE_CHECKING:
    import pandas as pd

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
    from cspm.cli_frames import frame_pieces
    from cspm.service.book import resolve_owner
    from cspm.service.contacts import CONTACT_COLUMNS, IMPORT_HINT, list_contacts

    with opened(args) as ctx:
        owner = resolve_owner(ctx, args.owner)
        result = list_contacts(
            ctx, args.account, inactive_days=args.inactive_days, role=args.role, owner=owner
        )
    frame = _whole_days(result.frame)
    if args.format != "table":
        out_pieces(frame_pieces(frame, args.format, TABLE_COLUMNS, columns=CONTACT_COLUMNS))
        return 0
    if not result.imported:
        out(f"No contacts yet. {IMPORT_HINT}")
        return 0
    if "last_login" in frame.columns:
        logins = frame["last_login"]
        frame = frame.assign(last_login=logins.astype(object).where(logins.notna(), "never"))
    out_pieces(frame_pieces(frame, "table", TABLE_COLUMNS, columns=CONTACT_COLUMNS))
    if result.unlinked:
        out(
            f"({result.unlinked} contact(s) link to no account and are not listed; "
            "`cspm imports list` shows the import that reported them.)"
        )
    return 0


def _whole_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Days since the last login as whole numbers (3, not 3.0), as `int()` makes them;
    missing stays missing (null)."""
    if "days_since_login" not in frame.columns:
        return frame
    import numpy as np
    import pandas as pd

    days = frame["days_since_login"]
    if not pd.api.types.is_numeric_dtype(days.dtype) or pd.api.types.is_bool_dtype(days.dtype):
        whole = [None if pd.isna(v) else int(v) for v in days.astype(object)]
        return frame.assign(days_since_login=pd.Series(whole, index=frame.index, dtype=object))
    floats = days.to_numpy(dtype=np.float64, na_value=np.nan)
    return frame.assign(
        days_since_login=pd.Series(np.trunc(floats), index=frame.index).astype("Int64")
    )
