"""`cspm segments ...`: list, show, why, add, edit, remove, export, import."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cspm.cli_format import format_records

from . import CommandFactory, opened, out, out_pieces, sub_command

LIST_COLUMNS = ["name", "count", "arr", "builtin", "rule_text"]
MEMBER_COLUMNS = [
    "external_id",
    "name",
    "owner",
    "tier",
    "lifecycle_stage",
    "arr",
    "health_score",
    "why",
]


def register(command: CommandFactory) -> None:
    p = command("segments", "Dynamic segments: list, show members, why, add, edit, remove, share.")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=list_command)
    sub = p.add_subparsers(dest="segments_action", metavar="ACTION")

    s = sub_command(sub, "show", "member accounts of a segment")
    s.add_argument("name")
    s.add_argument("--format", choices=["table", "json", "csv"], default="table")
    s.set_defaults(handler=show_command)

    s = sub_command(sub, "why", "why an account is (or is not) in a segment")
    s.add_argument("name")
    s.add_argument("account")
    s.set_defaults(handler=why_command)

    for action, help_text in (("add", "create a segment"), ("edit", "change a segment")):
        s = sub_command(sub, action, help_text)
        s.add_argument("name")
        s.add_argument(
            "--rule",
            required=action == "add",
            metavar="RULE.json|JSON",
            help="a rule on account fields; or one counted over contacts: "
            '{"over": "contacts", "where": RULE on contact fields (role, is_exec, last_login, '
            'days_since_login, email, email_domain, name), "at_least": N or "at_least_pct": X}',
        )
        s.add_argument("--description")
        s.add_argument("--colour", metavar="#RRGGBB")
        if action == "edit":
            s.add_argument("--rename", metavar="NEW_NAME")
        s.set_defaults(handler=add_command if action == "add" else edit_command)

    s = sub_command(sub, "remove", "delete a segment")
    s.add_argument("name")
    s.set_defaults(handler=remove_command)

    s = sub_command(sub, "export", "write segment definitions to a JSON file")
    s.add_argument("file", type=Path)
    s.add_argument("names", nargs="*", help="only these segments (default: all)")
    s.set_defaults(handler=export_command)

    s = sub_command(sub, "import", "add segment definitions from a JSON file")
    s.add_argument("file", type=Path)
    s.add_argument("--replace", action="store_true", help="overwrite segments with the same name")
    s.set_defaults(handler=import_command)


def list_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import list_segments
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        summaries = list_segments(ctx)
        money = money_format(ctx)
    records = [s.to_dict() for s in summaries]
    if args.format == "table":
        for r in records:
            if r["error"]:
                r["rule_text"] = f"INVALID: {r['error']}"
    out(format_records(records, args.format, LIST_COLUMNS, money))
    return 0


def show_command(args: argparse.Namespace) -> int:
    from cspm.cli_frames import frame_pieces
    from cspm.service.segments import segment_members
    from cspm.service.settings import money_format

    with opened(args) as ctx:
        members = segment_members(ctx, args.name)
        money = money_format(ctx)
    out_pieces(frame_pieces(members, args.format, MEMBER_COLUMNS, money))
    return 0


def why_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import why

    with opened(args) as ctx:
        name, key, lines = why(ctx, args.name, args.account)
    if not lines:
        out(f"{key} is not in '{name}'.")
    else:
        out(f"{key} is in '{name}' because:\n" + "\n".join(f"  - {line}" for line in lines))
    return 0


def _money(ctx: object, amount: float) -> str:
    from cspm.core.money import full_one
    from cspm.service.settings import money_format

    return full_one(amount, money_format(ctx))  # type: ignore[arg-type]


def _rule(text: str | None) -> object:
    from cspm.service.segments import parse_rule_source

    return None if text is None else parse_rule_source(text)


def add_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import add_segment

    with opened(args) as ctx:
        s = add_segment(ctx, args.name, _rule(args.rule), args.description or "", args.colour)
        arr = _money(ctx, s.arr)
    out(f"Added segment '{s.name}': {s.count} accounts, ARR {arr}.")
    return 0


def edit_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import edit_segment

    with opened(args) as ctx:
        s = edit_segment(
            ctx,
            args.name,
            rule=_rule(args.rule),
            new_name=args.rename,
            description=args.description,
            colour=args.colour,
        )
        arr = _money(ctx, s.arr)
    out(f"Saved segment '{s.name}': {s.count} accounts, ARR {arr}.")
    return 0


def remove_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import remove_segment

    with opened(args) as ctx:
        name = remove_segment(ctx, args.name)
    out(f"Removed segment '{name}'.")
    return 0


def export_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import export_segments

    with opened(args) as ctx:
        n = export_segments(ctx, args.file, args.names or None)
    out(f"Wrote {n} segment definition(s) to {args.file}.")
    return 0


def import_command(args: argparse.Namespace) -> int:
    from cspm.service.segments import import_segments

    with opened(args) as ctx:
        names = import_segments(ctx, args.file, replace=args.replace)
    out(f"Imported {len(names)} segment(s): {json.dumps(names, ensure_ascii=False)}.")
    return 0
