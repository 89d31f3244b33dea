"""The `cspm` command line: argparse, printing, exit codes. All work is done by cspm.service.

Exit codes: 0 ok, 2 bad input (one sentence on stderr), 1 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cspm.cli_format import format_records, frame_records
from cspm.core.errors import CspmError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(CspmError):
    """A bad command-line value (argparse's own errors also exit 2)."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in YYYY-MM-DD form") from None


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--db/--demo/--today, accepted before or after the command name."""
    default: Any = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        default=default,
        metavar="URL",
        help="database URL or SQLite file (default: CSPM_DB, else the user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="use the demo portfolio's database",
    )
    parser.add_argument(
        "--today",
        type=_date,
        default=default,
        metavar="YYYY-MM-DD",
        help="evaluate as if today were this date (moves the clock, never the data)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cspm", description="Customer Success portfolio manager (command line)."
    )
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, top=False)
        return p

    p = command("import", "Import a CRM spreadsheet (xlsx, xlsm, xls, csv).")
    p.add_argument("file", type=Path)
    p.add_argument("--sheet", help="sheet name (default: the first sheet with data)")
    p.add_argument("--profile", help="saved mapping profile to use")
    p.add_argument("--save-profile", metavar="NAME", help="save the column mapping under NAME")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="map a column by hand (FIELD may be 'custom' or 'ignore'); repeatable",
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date the file describes (default: today)",
    )
    p.add_argument("--skip-invalid", action="store_true", help="import valid rows, report the rest")
    p.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = command("accounts", "List accounts with tier and lifecycle stage.")
    p.add_argument("--tier")
    p.add_argument("--stage")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")

    p = command("imports", "List past imports, or undo the latest one.")
    p.add_argument("action", nargs="?", choices=["list", "undo"], default="list")
    p.add_argument("--format", choices=["table", "json"], default="table")

    p = command("override", "Pin an account's tier (with a reason), or --clear the pin.")
    p.add_argument("account")
    p.add_argument("tier", nargs="?")
    p.add_argument("--reason", default="")
    p.add_argument("--clear", action="store_true")

    p = command("demo", "Load a generated demo portfolio (its own database file).")
    p.add_argument("--accounts", type=int, default=300, metavar="N")
    p.add_argument("--open", action="store_true", help="open the window on the demo afterwards")

    command("gui", "Open the desktop window.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "import": cmd_import,
        "accounts": cmd_accounts,
        "imports": cmd_imports,
        "override": cmd_override,
        "demo": cmd_demo,
        "gui": cmd_gui,
    }
    try:
        return handlers[args.command](args)
    except CspmError as exc:
        print(f"cspm: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cspm: interrupted; nothing was changed.", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug runs
        print(f"cspm: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("CSPM_DEBUG"):
            raise
        return EXIT_INTERNAL


def _context(args: argparse.Namespace) -> Any:
    from cspm.service.context import AppContext

    return AppContext.open(args.db, demo=args.demo, today=args.today)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_import(args: argparse.Namespace) -> int:
    from cspm.service.imports import ImportOptions, import_file

    mapping: dict[str, str] = {}
    for item in args.map:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise UsageError(f"--map needs HEADER=FIELD, got '{item}'.")
        mapping[header.strip()] = target.strip()
    options = ImportOptions(
        sheet=args.sheet,
        profile=args.profile,
        save_profile=args.save_profile,
        mapping=mapping,
        as_of=args.as_of,
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
    )
    ctx = _context(args)
    try:
        result = import_file(ctx, args.file, options)
    finally:
        ctx.close()
    if args.format == "json":
        _print(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        from cspm.cli_format import import_summary_text

        _print(import_summary_text(result))
    if result.status == "refused":
        if args.format == "text":
            print(f"cspm: {result.file} was not imported: {_refusal(result)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _refusal(result: Any) -> str:
    errors = [p for p in result.problems if p.severity == "error"]
    if result.rejected:
        first = errors[0].sentence() if errors else ""
        return (
            f"{result.rejected} row(s) rejected (first: {first}); fix them or use --skip-invalid."
        )
    return errors[0].message if errors else "nothing to import."


def cmd_accounts(args: argparse.Namespace) -> int:
    from cspm.service.portfolio import list_accounts

    ctx = _context(args)
    try:
        frame = list_accounts(ctx, tier=args.tier, stage=args.stage)
    finally:
        ctx.close()
    records = frame_records(frame)
    _print(format_records(records, args.format, ACCOUNT_TABLE_COLUMNS))
    return EXIT_OK


ACCOUNT_TABLE_COLUMNS = [
    "external_id",
    "name",
    "owner",
    "tier",
    "lifecycle_stage",
    "arr",
    "health_score",
    "renewal_date",
    "last_interaction",
]


def cmd_imports(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from cspm.service.imports import undo_latest_import
    from cspm.service.imports_list import list_imports

    ctx = _context(args)
    try:
        if args.action == "undo":
            info = undo_latest_import(ctx)
            _print(f"Undid import {info.id} ({info.file_name}, as of {info.as_of}).")
            return EXIT_OK
        infos = list_imports(ctx)
    finally:
        ctx.close()
    records = [asdict(i) for i in infos]
    cols = [
        "id",
        "file_name",
        "as_of",
        "status",
        "rows_total",
        "new_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
    ]
    _print(format_records(records, args.format, cols))
    return EXIT_OK


def cmd_override(args: argparse.Namespace) -> int:
    from cspm.service.portfolio import set_tier_override

    if not args.clear and not args.tier:
        raise UsageError("Give a TIER to pin, or --clear.")
    ctx = _context(args)
    try:
        key = set_tier_override(ctx, args.account, None if args.clear else args.tier, args.reason)
    finally:
        ctx.close()
    _print(f"{key}: tier pin {'cleared' if args.clear else 'set to ' + args.tier}.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from cspm.service.demo import load_demo

    if args.accounts < 1:
        raise UsageError("--accounts must be at least 1.")
    summary = load_demo(args.db, accounts=args.accounts, today=args.today)
    _print(summary.text())
    if args.open:
        from cspm.ui.app import run_gui

        return run_gui(db=summary.url, today=args.today)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from cspm.ui.app import run_gui

    return run_gui(db=args.db, demo=args.demo, today=args.today)


if __name__ == "__main__":
    raise SystemExit(main())
