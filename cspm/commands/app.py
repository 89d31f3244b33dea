"""`cspm demo` and `cspm gui`."""

from __future__ import annotations

import argparse

from cspm.core.errors import BadInputError

from . import CommandFactory, out


def register(command: CommandFactory) -> None:
    p = command("demo", "Load a generated demo portfolio (its own database file).")
    p.add_argument("--accounts", type=int, default=300, metavar="N")
    p.add_argument("--open", action="store_true", help="open the window on the demo afterwards")
    p.set_defaults(handler=demo)

    p = command("gui", "Open the desktop window.")
    p.set_defaults(handler=gui)


def demo(args: argparse.Namespace) -> int:
    from cspm.service.demo import load_demo

    if args.accounts < 1:
        raise BadInputError("--accounts must be at least 1.")
    summary = load_demo(args.db, accounts=args.accounts, today=args.today)
    out(summary.text())
    if args.open:
        from cspm.ui.app import run_gui

        return run_gui(db=summary.url, today=args.today)
    return 0


def gui(args: argparse.Namespace) -> int:
    from cspm.ui.app import run_gui

    return run_gui(db=args.db, demo=args.demo, today=args.today)
