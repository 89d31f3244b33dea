"""`cspm outcomes` and `cspm changes`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cspm.cli_format import format_records

from . import CommandFactory, opened, out, parse_date


def register(command: CommandFactory) -> None:
    p = command("outcomes", "NRR, GRR, churn and expansion per group and period, from history.")
    p.add_argument(
        "--by", choices=["tier", "stage", "segment", "owner", "portfolio"], default="tier"
    )
    p.add_argument("--period", choices=["month", "quarter"], default="quarter")
    p.add_argument("--from", dest="start", type=parse_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=parse_date, metavar="YYYY-MM-DD")
    p.add_argument(
        "--owner", help='only the accounts this owner has today, or "me" (see `cspm me`)'
    )
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(handler=outcomes_command)

    p = command("changes", "What moved between two snapshots (default: the last two).")
    p.add_argument("--from", dest="start", type=parse_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=parse_date, metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=changes_command)


def _records(frame: Any) -> list[dict[str, Any]]:
    from cspm.cli_format import frame_records

    return frame_records(frame, list(frame.columns))


def outcomes_command(args: argparse.Namespace) -> int:
    from cspm.service.book import resolve_owner
    from cspm.service.outcomes import SUMMARY_FIELDS, outcomes
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        table = outcomes(
            ctx,
            by=args.by,
            period=args.period,
            start=args.start,
            end=args.end,
            owner=resolve_owner(ctx, args.owner),
        )
        money = money_format(ctx)
    records = _records(table)
    if args.format == "table":
        for r in records:
            for k in ("grr", "nrr", "logo_churn_rate"):
                r[k] = None if r[k] is None else f"{100 * r[k]:.1f}%"
            for k in ("avg_health", "nps"):
                r[k] = None if r[k] is None else f"{r[k]:.0f}"
    out(format_records(records, args.format, SUMMARY_FIELDS, money))
    return 0


def changes_command(args: argparse.Namespace) -> int:
    from cspm.core.money import full_one
    from cspm.service.outcomes import changes
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        result = changes(ctx, start=args.start, end=args.end)
        money = money_format(ctx)
    doc = result.to_dict()
    if args.format == "json":
        out(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    lines = [f"Changes from {doc['from']} to {doc['to']}", "", "Tier moves:"]
    lines += [
        f"  {r['from']} -> {r['to']}: {r['count']} (ARR {full_one(r['arr'], money)})"
        for r in doc["tier_matrix"]
        if r["from"] != r["to"]
    ] or ["  none"]
    lines += ["", "Stage transitions:"]
    lines += [
        f"  {r['from']} -> {r['to']}: {r['count']}"
        for r in doc["stage_transitions"]
        if r["from"] != r["to"]
    ] or ["  none"]
    lines += ["", "Segments:"]
    for name in sorted(set(doc["segments_entered"]) | set(doc["segments_left"])):
        entered, left = doc["segments_entered"].get(name, []), doc["segments_left"].get(name, [])
        if entered or left:
            lines.append(f"  {name}: +{len(entered)} entered, -{len(left)} left")
    for title, key, fmt in (
        ("Biggest ARR changes", "top_arr_changes", lambda v: full_one(v, money, missing="-")),
        ("Biggest health changes", "top_health_changes", _fmt),
    ):
        lines += ["", f"{title}:"]
        lines += [
            f"  {r['name'] or r['account']}: {fmt(r['before'])} -> {fmt(r['after'])}"
            for r in doc[key]
        ] or ["  none"]
    out("\n".join(lines))
    return 0


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:,.0f}"
