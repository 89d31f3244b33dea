"""`cspm forecast`: ARR up for renewal per quarter and what is expected to stay; a CSM's calls."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cspm.cli_format import format_records

from . import CommandFactory, opened, out, sub_command

TOTAL_COLUMNS = ["quarter", "group", "category", "accounts", "arr_up", "expected_arr"]
ACCOUNT_COLUMNS = [
    "quarter",
    "key",
    "name",
    "renewal_date",
    "arr_up",
    "category",
    "probability",
    "expected_arr",
    "category_reason",
]


def register(command: CommandFactory) -> None:
    p = command(
        "forecast",
        "Renewals per quarter (this and the next three): ARR up, category, expected ARR.",
    )
    p.add_argument("--by", choices=["tier", "segment", "owner"], help="group the totals")
    p.add_argument("--accounts", action="store_true", help="one line per renewing account")
    p.add_argument(
        "--accuracy", action="store_true", help="closed quarters: forecast at start vs actual"
    )
    p.add_argument("--owner", help='only this owner\'s accounts, or "me" (see `cspm me`)')
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(handler=forecast_command)
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    s = sub_command(sub, "set", "your call on an account's renewal in a quarter")
    s.add_argument("account", help="account ID or name")
    s.add_argument("--quarter", required=True, help='e.g. "2027 Q1"')
    s.add_argument("--category", help="Commit, Likely, At risk or Churn expected")
    s.add_argument("--amount", type=float, help="the amount you expect to renew")
    s.add_argument("--reason", default="", help="why (required)")
    s.set_defaults(handler=set_command)
    c = sub_command(sub, "clear", "back to the rules' category and the full ARR")
    c.add_argument("account")
    c.add_argument("--quarter", required=True)
    c.set_defaults(handler=clear_command)
    h = sub_command(sub, "history", "every call made on an account's forecast, newest first")
    h.add_argument("account")
    h.set_defaults(handler=history_command)


def forecast_command(args: argparse.Namespace) -> int:
    from cspm.cli_format import frame_records
    from cspm.service.book import resolve_owner
    from cspm.service.forecast import forecast_accuracy, forecast_rows, forecast_totals
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        money = money_format(ctx)
        if args.accuracy:
            closed = forecast_accuracy(ctx)
            _print_accuracy(closed, args.format, money)
            return 0
        owner = resolve_owner(ctx, args.owner)
        rows = forecast_rows(ctx, owner=owner)
        if args.accounts:
            records = frame_records(rows, list(rows.columns))
            columns = ACCOUNT_COLUMNS
        else:
            table = forecast_totals(ctx, by=args.by, rows=rows)
            records = frame_records(table, TOTAL_COLUMNS)
            columns = TOTAL_COLUMNS
    if args.format == "table":
        for r in records:
            if "probability" in r and r["probability"] is not None:
                r["probability"] = f"{100 * r['probability']:.0f}%"
    out(format_records(records, args.format, columns, money))
    return 0


def _print_accuracy(closed: list[Any], fmt: str, money: Any) -> None:
    from cspm.core.money import full_one

    if fmt == "json":
        out(json.dumps([q.to_dict() for q in closed], indent=2, ensure_ascii=False))
        return
    if not closed:
        out("No quarter has closed within the stored history yet.")
        return
    lines = []
    for q in closed:
        d = q.to_dict()
        lines.append(
            f"{d['quarter']}: forecast {full_one(d['expected_arr'], money)} retained, "
            f"actual {full_one(d['actual_arr'], money)} "
            f"({d['accounts']} renewals, {full_one(d['arr_up'], money)} up)"
        )
        lines += [
            f"  {c['category']}: {c['accounts']} renewals, {c['churned']} churned, "
            f"{full_one(c['expected_arr'], money)} expected, "
            f"{full_one(c['actual_arr'], money)} kept"
            for c in d["categories"]
            if c["accounts"]
        ]
    out("\n".join(lines))


def set_command(args: argparse.Namespace) -> int:
    from cspm.service.forecast import set_forecast

    if args.category is None and args.amount is None:
        out("Give --category, --amount or both (or use `cspm forecast clear`).")
        return 2
    with opened(args) as ctx:
        key = set_forecast(
            ctx,
            args.account,
            args.quarter,
            category=args.category,
            amount=args.amount,
            reason=args.reason,
        )
    out(f"Forecast call saved for {key} in {args.quarter}.")
    return 0


def clear_command(args: argparse.Namespace) -> int:
    from cspm.service.forecast import set_forecast

    with opened(args) as ctx:
        key = set_forecast(ctx, args.account, args.quarter)
    out(f"The forecast of {key} in {args.quarter} follows the rules again.")
    return 0


def history_command(args: argparse.Namespace) -> int:
    from cspm.service.forecast import forecast_history

    with opened(args) as ctx:
        calls = forecast_history(ctx, args.account)
    if not calls:
        out("No forecast calls on this account yet.")
        return 0
    out(
        "\n".join(
            f"{c.at:%Y-%m-%d %H:%M}  {c.user}  {c.action}{'  (undone)' if c.undone else ''}"
            for c in calls
        )
    )
    return 0
