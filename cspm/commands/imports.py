"""`cspm import FILE` and `cspm imports [list|undo]`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cspm.cli_format import format_records, import_summary_text
from cspm.core.errors import BadInputError
from cspm.core.related.kinds import KIND_NAMES

from . import CommandFactory, opened, out
from .related_text import related_summary_text


def register(command: CommandFactory, date_type: Any) -> None:
    p = command("import", "Import a CRM spreadsheet (xlsx, xlsm, xls, csv).")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--kind",
        metavar="KIND",
        help=(
            f"what the file is: {'|'.join(KIND_NAMES)} (default: detected from its headers and "
            "shape; `cspm fields --kind KIND` lists each kind's fields)"
        ),
    )
    p.add_argument("--sheet", help="sheet name (default: the first sheet with data)")
    p.add_argument("--profile", help="saved mapping profile to use")
    p.add_argument(
        "--save-profile",
        metavar="NAME",
        help="save the column mapping, value maps and scales under NAME",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help=(
            "map a column by hand: HEADER as in the file, FIELD a field name or label in any "
            "case (see `cspm fields`), or 'custom' / 'ignore'; repeatable"
        ),
    )
    p.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="COLUMN:VALUE=MEANING",
        help=(
            "say what a word in a status, churn, lifecycle stage, tier or plan column means, "
            "e.g. 'Status:Non-renewing=churned' (status meanings: active, churned, trial, "
            "non_renewing, unknown; churn column: churned, active, unknown; stage: a lifecycle "
            "stage; tier: a configured tier); repeatable; saved with --save-profile"
        ),
    )
    p.add_argument(
        "--scale",
        action="append",
        default=[],
        metavar="COLUMN=SCALE",
        help=(
            "how a column's numbers are read: NPS columns 'response' (0-10 answers) or "
            "'points' (account NPS, -100..100); health score columns 0-1, 0-10 or 0-100; "
            "repeatable; saved with --save-profile (default: decided from the values)"
        ),
    )
    p.add_argument(
        "--as-of",
        type=date_type,
        metavar="YYYY-MM-DD",
        help="the date the file describes (default: today)",
    )
    p.add_argument("--skip-invalid", action="store_true", help="import valid rows, report the rest")
    p.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=import_command)

    p = command("imports", "List past imports, undo your latest one, or re-date one.")
    p.add_argument("action", nargs="?", choices=["list", "undo", "redate"], default="list")
    p.add_argument("import_id", nargs="?", type=int, help="for redate: the import's id")
    p.add_argument("as_of", nargs="?", type=date_type, help="for redate: its new as-of date")
    p.add_argument(
        "--anyway",
        action="store_true",
        help="for undo: undo your latest import even though a colleague's later import holds "
        "the same accounts (theirs stays; the accounts follow the snapshots that remain)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=imports_command)


def _mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise BadInputError(f"--map needs HEADER=FIELD, got '{item}'.")
        mapping[header.strip()] = target.strip()
    return mapping


def _value_maps(items: list[str]) -> dict[str, dict[str, str]]:
    """'Status:Non-renewing=churned' items -> {"Status": {"Non-renewing": "churned"}}.

    The column ends at the first ':' and the meaning starts after the last '=', so a value may
    itself hold ':' or '='.
    """
    maps: dict[str, dict[str, str]] = {}
    for item in items:
        left, sep, target = item.rpartition("=")
        column, colon, value = left.partition(":")
        if not sep or not colon or not column.strip() or not value.strip() or not target.strip():
            raise BadInputError(
                f"--value needs COLUMN:VALUE=MEANING (e.g. 'Status:Non-renewing=churned'), "
                f"got '{item}'."
            )
        maps.setdefault(column.strip(), {})[value.strip()] = target.strip()
    return maps


def _scales(items: list[str]) -> dict[str, str]:
    scales: dict[str, str] = {}
    for item in items:
        column, sep, scale = item.rpartition("=")
        if not sep or not column.strip() or not scale.strip():
            raise BadInputError(f"--scale needs COLUMN=SCALE (e.g. 'NPS=points'), got '{item}'.")
        scales[column.strip()] = scale.strip()
    return scales


def check_kind_word(word: str | None) -> str | None:
    """The --kind word, or one sentence listing the kinds (exit 2)."""
    if word is None or word in KIND_NAMES:
        return word
    raise BadInputError(
        f"--kind '{word}' is not a kind of file cspm imports; use one of: {', '.join(KIND_NAMES)}."
    )


def import_command(args: argparse.Namespace) -> int:
    from cspm.service.import_preview import big_changes
    from cspm.service.imports import ImportOptions, PreparedRelated, apply_prepared, prepare_any

    options = ImportOptions(
        kind=check_kind_word(args.kind),
        sheet=args.sheet,
        profile=args.profile,
        save_profile=args.save_profile,
        mapping=_mapping(args.map),
        value_maps=_value_maps(args.value),
        scales=_scales(args.scale),
        as_of=args.as_of,
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
    )
    with opened(args) as ctx:
        # prepared once: the big changes are compared before anything is written
        prepared = prepare_any(ctx, args.file, options)
        if isinstance(prepared, PreparedRelated):
            return _related_import(args, ctx, prepared, options)
        prepared = prepared.without_cells()  # planned: the cells are not shown again
        changes = big_changes(ctx, prepared, options.as_of)
        result = apply_prepared(ctx, prepared, options, keep_plan=False)
    if args.format == "json":
        record = {**result.to_dict(), "big_changes": changes.frame.to_dict("records")}
        out(json.dumps(record, indent=2, default=str, ensure_ascii=False))
    else:
        out(import_summary_text(result))
        if result.status in ("imported", "dry_run") and not changes.empty:
            out(big_changes_text(changes))
    if result.status == "refused":
        if args.format == "text":
            print(f"cspm: {result.file} was not imported: {_refusal(result)}", file=sys.stderr)
        return 2
    return 0


def _related_import(args: argparse.Namespace, ctx: Any, prepared: Any, options: Any) -> int:
    """Write a prepared related file (subscriptions, usage...) and print its summary."""
    from cspm.service.related_writes import apply_related

    result = apply_related(ctx, prepared, options)
    if args.format == "json":
        record = {**result.to_dict(), "kind": prepared.kind, "evidence": list(prepared.evidence)}
        out(json.dumps(record, indent=2, default=str, ensure_ascii=False))
    else:
        out(related_summary_text(result))
    if result.status == "refused":
        if args.format == "text":
            print(f"cspm: {result.file} was not imported: {_refusal(result)}", file=sys.stderr)
        return 2
    return 0  # unlinked rows are a warning: the linked rows are imported


def big_changes_text(changes: Any, limit: int = 20) -> str:
    """The big changes the import made (or, in a dry run, would make), as the wizard lists
    them before its Import button: a summary line, then one line each."""
    lines = [f"{changes.summary()} (compared with the accounts stored before this import):"]
    lines += [f"  {line}" for line in changes.lines(limit)]
    return "\n".join(lines)


def _refusal(result: Any) -> str:
    errors = [p for p in result.problems if p.severity == "error"]
    if result.rejected:
        first = errors[0].sentence() if errors else ""
        return (
            f"{result.rejected} row(s) rejected (first: {first}); fix them or use --skip-invalid."
        )
    return errors[0].message if errors else "nothing to import."


def imports_command(args: argparse.Namespace) -> int:
    from cspm.service.import_undo import BuiltOnError
    from cspm.service.imports import set_import_as_of, undo_latest_import
    from cspm.service.imports_list import list_imports

    with opened(args) as ctx:
        if args.action == "redate":
            if args.import_id is None or args.as_of is None:
                raise BadInputError("Use: cspm imports redate IMPORT_ID YYYY-MM-DD.")
            info = set_import_as_of(ctx, args.import_id, args.as_of)
            out(f"Import {info.id} ({info.file_name}) is now as of {info.as_of}.")
            return 0
        if args.action == "undo":
            try:
                info = undo_latest_import(ctx, anyway=args.anyway)
            except BuiltOnError as exc:  # the window asks; here the option says how
                raise BadInputError(f"{str(exc).rstrip('.')} with --anyway.") from None
            out(f"Undid import {info.id} ({info.file_name}, as of {info.as_of}).")
            return 0
        infos = list_imports(ctx)
    cols = [
        "id",
        "kind",
        "file_name",
        "as_of",
        "status",
        "user",
        "rows_total",
        "new_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
    ]
    out(format_records([asdict(i) for i in infos], args.format, cols))
    return 0
