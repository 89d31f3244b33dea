"""`cspm undo` (`--list`: the history) and `cspm redo`: the stored change records."""

from __future__ import annotations

import argparse
import json

from . import CommandFactory, opened, out


def register(command: CommandFactory) -> None:
    p = command("undo", "Take back your latest change (a task action, a setting, an import...).")
    p.add_argument(
        "--list", action="store_true", help="list your latest changes instead (newest first)"
    )
    p.add_argument("--limit", type=int, default=20, help="with --list: how many")
    p.add_argument("--everyone", action="store_true", help="with --list: everyone's changes")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=undo_command)
    p = command("redo", "Do again what your latest undo took back.")
    p.set_defaults(handler=redo_command)


def undo_command(args: argparse.Namespace) -> int:
    from cspm.service.undo import undo

    if args.list:
        return changes_command(args)
    with opened(args) as ctx:
        change = undo(ctx)
    out(_sentence(change.action))
    return 0


def redo_command(args: argparse.Namespace) -> int:
    from cspm.service.undo import redo

    with opened(args) as ctx:
        change = redo(ctx)
    out(_sentence(f"Redo {change.action}"))
    return 0


def _sentence(text: str) -> str:
    """The action as a sentence: one full stop, even after "Inc."."""
    return text if text.endswith(".") else f"{text}."


def changes_command(args: argparse.Namespace) -> int:
    from cspm.service.undo import recent_changes

    with opened(args) as ctx:
        changes = recent_changes(ctx, args.limit, everyone=args.everyone)
    rows = [
        {
            "id": c.id,
            "at": c.at.isoformat(timespec="seconds") + "Z",
            "user": c.user,
            "action": c.action,
            "touches": sorted(c.touches),
            "undoable": c.undoable,
        }
        for c in changes
    ]
    if args.format == "json":
        out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        mark = "" if r["undoable"] else "  (cannot be undone)"
        out(f"#{r['id']:<5} {r['at']}  {r['user']}: {r['action']}{mark}")
    if not rows:
        out("No changes yet.")
    return 0
