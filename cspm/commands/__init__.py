"""CLI command groups, one module each; `cspm.cli` registers them all.

Each module has `register(sub, command)`: `command(name, help)` returns a subparser that
already has the global options; the module sets `handler=` to a function taking the parsed
arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

CommandFactory = Callable[[str, str], argparse.ArgumentParser]


def context(args: argparse.Namespace) -> Any:
    """The application context for the --db / --demo / --today options."""
    from cspm.service.context import AppContext

    return AppContext.open(args.db, demo=args.demo, today=args.today)


@contextlib.contextmanager
def opened(args: argparse.Namespace) -> Iterator[Any]:
    """The context for one command, closed (database released) however the command ends;
    then the notices of work after a commit that failed (see `cspm.service.task_refresh`)."""
    ctx = context(args)
    try:
        yield ctx
    finally:
        ctx.close()
        for notice in ctx.notices:  # work after a commit that failed; the change stands
            print(f"cspm: warning: {notice}", file=sys.stderr)


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def out_pieces(pieces: Iterable[str]) -> None:
    """`out` of a long text given in pieces (written as they come, never held whole)."""
    last = ""
    for piece in pieces:
        if piece:
            sys.stdout.write(piece)
            last = piece
    if not last.endswith("\n"):
        sys.stdout.write("\n")


def parse_date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in YYYY-MM-DD form") from None


def add_global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--db/--demo/--today, accepted before or after the command name (and sub-action)."""
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
        type=parse_date,
        default=default,
        metavar="YYYY-MM-DD",
        help="evaluate as if today were this date (moves the clock, never the data)",
    )


def sub_command(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A nested action parser (e.g. `segments show`) that also takes the global options."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    add_global_options(p)
    return p
