"""`cspm export FILE.xlsx|FILE.csv|FILE.pdf [...]` and `cspm export tasks FILE.csv|FILE.xlsx`.

A QBR pack (.pdf) is for the customer unless `--audience internal` asks for the CSM's review.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Literal

from cspm.core.errors import BadInputError

from . import CommandFactory, opened, out


def register(command: CommandFactory) -> None:
    p = command(
        "export",
        "Write a report: portfolio workbook (.xlsx), account list (.csv), QBR pack (.pdf), "
        "or 'export tasks FILE' for the task list.",
    )
    p.add_argument("target", help="FILE.xlsx, FILE.csv, FILE.pdf, or the word 'tasks'")
    p.add_argument("file", nargs="?", type=Path, help="with 'tasks': FILE.csv or FILE.xlsx")
    p.add_argument("--segment")
    p.add_argument("--owner")
    p.add_argument("--tier")
    p.add_argument("--account", help="for a QBR pack (.pdf): the account ID or name")
    p.add_argument("--page-size", choices=["A4", "Letter"], default="A4")
    p.add_argument(
        "--audience",
        choices=["customer", "internal"],
        default="customer",
        help="for a QBR pack (.pdf): 'customer' (default) writes what you can send the "
        "customer: their usage, health in words, renewal date, quarters, an agenda and a notes "
        "page; 'internal' adds tier and stage reasons, health breakdown, segments, open tasks "
        "with priorities and touchpoint notes, for your own review",
    )
    p.set_defaults(handler=export_command)


def export_command(args: argparse.Namespace) -> int:
    from cspm.service.book import resolve_owner
    from cspm.service.export import export

    what: Literal["portfolio", "tasks"]
    if args.target == "tasks":
        if args.file is None:
            raise BadInputError("Use: cspm export tasks FILE.csv|FILE.xlsx.")
        what, path = "tasks", args.file
    else:
        if args.file is not None:
            raise BadInputError(f"Unexpected argument '{args.file}'.")
        what, path = "portfolio", Path(args.target)
    with opened(args) as ctx:
        written = export(
            ctx,
            path,
            what=what,
            segment=args.segment,
            owner=resolve_owner(ctx, args.owner),
            tier=args.tier,
            account=args.account,
            page_size=args.page_size,
            audience=args.audience,
        )
    out(f"Wrote {written}.")
    return 0
