"""`cspm tasks ...`, `cspm log` and `cspm capacity`."""

from __future__ import annotations

import argparse
import json

from cspm.cli_format import format_records, frame_records

from . import CommandFactory, opened, out, parse_date, sub_command

TASK_JSON = [
    "id",
    "account",
    "account_name",
    "owner",
    "trigger_kind",
    "trigger",
    "segment",
    "title",
    "due_date",
    "priority",
    "reasons",
    "status",
]
TASK_TABLE = ["id", "priority", "due_date", "account_name", "title", "reasons"]


def register(command: CommandFactory) -> None:
    p = command("tasks", "The prioritised task list; complete, snooze or dismiss tasks.")
    p.add_argument("--segment")
    p.add_argument("--tier")
    p.add_argument("--owner")
    p.add_argument("--due-within", type=int, metavar="DAYS")
    p.add_argument("--limit", type=int)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(handler=list_command)
    sub = p.add_subparsers(dest="tasks_action", metavar="ACTION")
    s = sub_command(sub, "done", "complete a task")
    s.add_argument("id", type=int)
    s.add_argument("--note")
    s.add_argument(
        "--touchpoint",
        choices=["call", "email", "meeting", "qbr", "note"],
        help="also log this touchpoint for the account",
    )
    s.set_defaults(handler=done_command)
    s = sub_command(sub, "snooze", "hide a task until a date")
    s.add_argument("id", type=int)
    s.add_argument("--until", type=parse_date, required=True, metavar="YYYY-MM-DD")
    s.set_defaults(handler=snooze_command)
    s = sub_command(sub, "dismiss", "close a task that does not apply, with a reason")
    s.add_argument("id", type=int)
    s.add_argument("--reason", required=True)
    s.set_defaults(handler=dismiss_command)
    s = sub_command(sub, "reopen", "put a completed, snoozed, dismissed or resolved task back")
    s.add_argument("id", type=int)
    s.set_defaults(handler=reopen_command)
    s = sub_command(
        sub, "history", "completed, snoozed, dismissed and resolved tasks: who, when, note"
    )
    s.add_argument(
        "--status",
        action="append",
        choices=["done", "snoozed", "dismissed", "resolved"],
        help="only these (repeat the option for several)",
    )
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--format", choices=["table", "json", "csv"], default="table")
    s.set_defaults(handler=history_command)

    p = command("log", "Log a touchpoint (call, email, meeting, qbr, note) for an account.")
    p.add_argument("account")
    p.add_argument("--kind", required=True, choices=["call", "email", "meeting", "qbr", "note"])
    p.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--note")
    p.set_defaults(handler=log_command)

    p = command("capacity", "Accounts and required hours per CSM against the engagement models.")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=capacity_command)


def list_command(args: argparse.Namespace) -> int:
    from cspm.service.book import resolve_owner
    from cspm.service.tasks import list_tasks

    with opened(args) as ctx:
        tasks = list_tasks(
            ctx,
            segment=args.segment,
            tier=args.tier,
            owner=resolve_owner(ctx, args.owner),
            due_within=args.due_within,
            limit=args.limit,
        )
    records = frame_records(tasks, TASK_JSON)
    records = [{k: r[k] for k in TASK_JSON} for r in records]
    if args.format == "table":
        for r in records:
            r["reasons"] = "; ".join(r["reasons"] or [])
        out(_task_lines(records))
        return 0
    if args.format == "csv":
        for r in records:
            r["reasons"] = "; ".join(r["reasons"] or [])
    out(format_records(records, args.format, TASK_TABLE))
    return 0


def _task_lines(records: list[dict]) -> str:
    """A morning list: one block per task, reasons on their own line."""
    if not records:
        return "No open tasks."
    lines = []
    for r in records:
        lines.append(
            f"#{r['id']:<5} {r['priority']:5.1f}  due {r['due_date']}  "
            f"{r['account_name']} — {r['title']}"
        )
        lines.append(f"        {r['reasons']}")
    lines.append(f"({len(records)} tasks)")
    return "\n".join(lines)


def done_command(args: argparse.Namespace) -> int:
    from cspm.service.tasks import complete_task

    with opened(args) as ctx:
        complete_task(ctx, args.id, args.note, touchpoint=args.touchpoint)
    out(f"Task {args.id} done.")
    return 0


def snooze_command(args: argparse.Namespace) -> int:
    from cspm.service.tasks import snooze_task

    with opened(args) as ctx:
        snooze_task(ctx, args.id, args.until)
    out(f"Task {args.id} snoozed until {args.until}.")
    return 0


def dismiss_command(args: argparse.Namespace) -> int:
    from cspm.service.tasks import dismiss_task

    with opened(args) as ctx:
        dismiss_task(ctx, args.id, args.reason)
    out(f"Task {args.id} dismissed.")
    return 0


def reopen_command(args: argparse.Namespace) -> int:
    from cspm.service.task_history import reopen_task

    with opened(args) as ctx:
        reopen_task(ctx, args.id)
    out(f"Task {args.id} is open again.")
    return 0


HISTORY_COLUMNS = ["id", "what", "at", "by", "account_name", "title", "note"]


def history_command(args: argparse.Namespace) -> int:
    from cspm.service.task_history import HISTORY_STATUSES, task_history

    with opened(args) as ctx:
        frame = task_history(ctx, statuses=tuple(args.status or HISTORY_STATUSES), limit=args.limit)
    records = frame_records(frame, HISTORY_COLUMNS)
    if args.format == "table":
        lines = [
            f"#{r['id']:<5} {r['what']:<16} {str(r['at'])[:16]}  {r['by'] or '':<10} "
            f"{r['account_name']} — {r['title']}" + (f"  ({r['note']})" if r["note"] else "")
            for r in records
        ]
        out("\n".join(lines) if lines else "No closed or snoozed tasks.")
        return 0
    out(format_records(records, args.format, HISTORY_COLUMNS))
    return 0


def log_command(args: argparse.Namespace) -> int:
    from cspm.service.tasks import log_touchpoint

    with opened(args) as ctx:
        key = log_touchpoint(ctx, args.account, args.kind, args.date, args.note)
    out(f"Logged {args.kind} for {key}.")
    return 0


def capacity_command(args: argparse.Namespace) -> int:
    from cspm.service.tasks import capacity

    with opened(args) as ctx:
        report = capacity(ctx)
    rows = frame_records(report.by_owner, list(report.by_owner.columns))
    if args.format == "json":
        totals = frame_records(report.totals, list(report.totals.columns))
        out(
            json.dumps(
                {"by_owner": rows, "totals": totals, "warnings": report.warnings},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    out(format_records(rows, "table", list(report.by_owner.columns)))
    for w in report.warnings:
        out(f"warning: {w}")
    return 0
